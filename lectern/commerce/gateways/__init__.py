"""Payment gateways behind one interface."""
