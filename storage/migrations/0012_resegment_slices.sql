-- A re-segmentation job's customers are split by id into slices, each with
-- its own cursor, so several runners (--resegment-workers, or several
-- replicas) work on one job at once, one slice each. A batch locks its
-- slice row (SKIP LOCKED: a runner takes a slice nobody holds) and advances
-- that cursor in the same transaction as its writes, so an interrupted job
-- still resumes where each slice stopped and never applies a batch twice.
CREATE TABLE resegment_job_slices (
  tenant_id uuid NOT NULL,
  job_id    text NOT NULL,
  slice     integer NOT NULL,
  cursor    text NOT NULL,  -- the last customer_id done; the slice's exclusive start before that
  range_end text,           -- the slice's last customer_id; NULL: to the end
  done      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, job_id, slice),
  FOREIGN KEY (tenant_id, job_id) REFERENCES resegment_jobs (tenant_id, job_id)
);
SELECT lifecycle_protect_tenant_table('resegment_job_slices');

-- A job still running across the upgrade goes on as one slice from its cursor.
INSERT INTO resegment_job_slices (tenant_id, job_id, slice, cursor)
SELECT tenant_id, job_id, 0, cursor FROM resegment_jobs WHERE state = 'RUNNING';
ALTER TABLE resegment_jobs DROP COLUMN cursor;
