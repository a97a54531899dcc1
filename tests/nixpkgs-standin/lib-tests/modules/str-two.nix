{ x = "two"; }
