-- 013_repeated_lines_unindexed: repeated_lines without its index on the count.

-- repeated_lines loses its index on `documents`. Counting adds to a line's count once per transaction
-- that meets it, and each addition also moved the line's entry in that index: measured on the
-- 9,609-document dev corpus (408,764 distinct lines), the index made the counting writes 4.6 s instead
-- of 3.4 s. Its readers (the repeated-line total, the ten most repeated lines, export's set of lines
-- to drop) each read the table once per run, which a scan does in milliseconds.
DROP INDEX IF EXISTS repeated_lines_count;
