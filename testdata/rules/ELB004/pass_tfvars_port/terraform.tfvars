app_port = 9090
