-- Opening a module is no longer progress (issue 18): a module is in progress only once some of its work is saved.
-- Rows written by merely opening a module (no answer, no form submitted) are removed, so they read "Not started".
DELETE FROM module_progress
WHERE status = 'in_progress'
  AND NOT EXISTS (
    SELECT 1 FROM responses r
    WHERE r.user_id = module_progress.user_id AND r.module_id = module_progress.module_id AND trim(r.text) <> ''
  )
  AND NOT EXISTS (
    SELECT 1 FROM submissions s
    WHERE s.user_id = module_progress.user_id AND s.module_id = module_progress.module_id
  );
