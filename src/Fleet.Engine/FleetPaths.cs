namespace Fleet.Engine;

/// <summary>
/// Where fleet's own Nix modules and JSON Schemas are: beside the binaries (share/), or
/// FLEET_SHARE_DIR when packaged elsewhere (the Nix package sets it).
/// </summary>
public sealed record FleetPaths(string NixModules, string Schemas)
{
    public static FleetPaths Discover()
    {
        var share = Environment.GetEnvironmentVariable("FLEET_SHARE_DIR") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(AppContext.BaseDirectory, "share");
        return new FleetPaths(Path.Combine(share, "nix-modules"), Path.Combine(share, "schemas"));
    }

    public string FleetEvalNix => Path.Combine(NixModules, "fleet", "eval.nix");

    public string Schema(string fileName) => Path.Combine(Schemas, fileName);
}
