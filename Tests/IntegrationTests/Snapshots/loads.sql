-- The three states of raw.customers the snapshot test takes, one section per load.
-- load 1
create schema raw;
create table raw.customers (id int, name text, updated_at timestamp, status text);
insert into raw.customers values (1, 'a', '2024-01-01', 'x'), (2, 'b', '2024-01-01', 'x'), (3, 'c', '2024-01-01', 'x');
-- load 2
update raw.customers set name = 'a2', updated_at = '2024-01-02' where id = 1;
delete from raw.customers where id = 3;
insert into raw.customers values (4, 'd', '2024-01-02', 'x');
-- load 3
update raw.customers set status = 'y', updated_at = '2024-01-03' where id = 2;
insert into raw.customers values (3, 'c', '2024-01-03', 'x');
update raw.customers set name = 'a3' where id = 1;
