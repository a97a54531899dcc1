{ nodes.web.deployment.targetPort = "abc"; }
