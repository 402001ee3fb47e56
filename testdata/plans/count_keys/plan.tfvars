egress_ports  = [8080, 9000]
ingress_ports = { web = 9000, admin = 22 }
