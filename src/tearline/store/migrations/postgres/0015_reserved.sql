-- PLACEHOLDER on branch taxiiobs only: number 0015 belongs to another helper's migration.
-- Drop this file when merging; that helper's 0015 takes its place (migrations must be
-- numbered 1, 2, 3, … without a gap, so 0016 needs a 0015 to load).
SELECT 1;
