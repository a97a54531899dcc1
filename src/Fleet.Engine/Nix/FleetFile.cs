namespace Fleet.Engine.Nix;

/// <summary>A fleet file: a fleet module or a Colmena hive, evaluated with nix-instantiate.</summary>
public sealed record FleetFile : FleetEntry
{
    public FleetFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public override string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public override string Display => Path;
}
