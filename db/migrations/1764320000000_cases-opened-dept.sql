-- Up Migration

-- The department that opened a case sees it (and acts for the applicant): lists filter on it.
ALTER TABLE cases ADD COLUMN opened_dept text;
UPDATE cases SET opened_dept = view->>'openedByDept';
CREATE INDEX cases_opened_dept_idx ON cases (opened_dept);

-- Down Migration
DROP INDEX cases_opened_dept_idx;
ALTER TABLE cases DROP COLUMN opened_dept;
