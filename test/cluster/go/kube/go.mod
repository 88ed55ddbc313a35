module kubeship.test/kube

go 1.24.0
