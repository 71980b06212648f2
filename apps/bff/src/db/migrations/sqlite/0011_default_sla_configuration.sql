-- The default SLA configuration (DefectDojo's: Critical 7, High 30, Medium 90, Low 120 days, no SLA for Info),
-- used by every product until it is given another. A data row, so it lives in a custom migration.
INSERT INTO sla_configurations (name, description, is_default, critical_days, critical_enforced, high_days, high_enforced,
  medium_days, medium_enforced, low_days, low_enforced, info_days, info_enforced)
VALUES ('Default', 'Used by every product that has no SLA configuration of its own.', 1, 7, 1, 30, 1, 90, 1, 120, 1, NULL, 0);
