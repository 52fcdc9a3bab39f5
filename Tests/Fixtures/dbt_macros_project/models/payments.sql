select * from (values (1, 'card', 1000), (2, 'coupon', 250), (3, 'card', 500), (4, 'gift card', 100)) as p(id, method, cents)
