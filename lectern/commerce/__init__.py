"""Commerce: what a learner buys (cart, and, as they land, coupons, checkout, orders, refunds)."""
