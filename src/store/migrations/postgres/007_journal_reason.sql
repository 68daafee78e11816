-- Why a refused call was refused, in plain words (the journal and the admin API show it; the wire never does).
ALTER TABLE journal ADD COLUMN reason TEXT;
