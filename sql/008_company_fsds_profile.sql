-- What SEC's Financial Statement Data Sets' `sub` says about the filer beyond what was kept: its
-- EIN, business phone and the business and mailing addresses, as the submissions file gives them
-- (filled when a company's submissions are next read).
ALTER TABLE companies ADD COLUMN ein text;
ALTER TABLE companies ADD COLUMN phone text;
ALTER TABLE companies ADD COLUMN addresses jsonb NOT NULL DEFAULT '{}';
