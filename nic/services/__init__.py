"""Business rules: validate, authorize (through nic.policy), write, commit, publish."""
