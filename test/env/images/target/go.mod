module atq.test/target

go 1.21
