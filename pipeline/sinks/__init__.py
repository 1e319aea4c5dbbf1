"""Where results go.

- the files: each article's body and sidecar, ``OUT/<name>.txt`` and ``.json``, written
  atomically by ``pipeline.io.write_outputs``;
- the corpus (``corpus``): ``OUT/articles.jsonl``, one record per article in one schema,
  rebuilt from the files; and, when asked, the same records as ``OUT/articles.parquet``
  (``parquet``);
- stdout (``stdout``): the body of one document, or a corpus record per article, as a stream.
"""
