{ x = "one"; }
