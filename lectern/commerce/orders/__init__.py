"""Orders: checkout turns the cart into an order, priced at that moment."""
