"""The cart: a signed-in user's or a guest's, one currency, priced now."""
