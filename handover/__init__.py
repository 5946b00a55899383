"""handover: 交付批次、交付前计划、模拟验收、交接房屋与入住 (see SPEC.md)."""
