"""Support tickets: users ask for help, staff answer (with internal notes users never see)."""
