module berth.local/k8s-testbed/pause

go 1.26.0
