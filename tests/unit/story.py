"""A short news story in five sentences: the article of the hand-written test pages."""

STORY = [
    "The harbour authority said on Monday that the new breakwater would be finished by the "
    "spring, two years later than first planned.",
    "Engineers found that the seabed under the northern arm was softer than the surveys had "
    "shown, and the foundations had to be redesigned.",
    "Fishermen who use the harbour said the delay had cost them a second winter of damaged "
    "boats and lost days at sea.",
    "The council has asked the national government for a further grant to cover the extra "
    "cost, which it puts at twelve million pounds.",
    "A spokesman for the contractor said the work was now on schedule and that the last "
    "blocks would be placed in March.",
]
