"""The checks of a rule package, one module per document; ``zjtx_rules.loader`` drives them."""
