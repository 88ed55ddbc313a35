module kubeship.test/etcd

go 1.24.0
