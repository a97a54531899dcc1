{ greeting, ... }: { fromFile = [ "child:${greeting}" ]; }
