"""Other engines that can run a package's eligibility rules, for cross-checking ours."""
