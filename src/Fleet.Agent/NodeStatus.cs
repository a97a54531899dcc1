namespace Fleet.Agent;

/// <summary>What a node runs: the current system and the system profile's generation.</summary>
public sealed record NodeStatus(string? CurrentSystem, string? ProfileSystem, int? Generation)
{
    public static NodeStatus Read(string root)
    {
        var current = Resolve(Path.Combine(root, "run/current-system"));
        var profileLink = Path.Combine(root, "nix/var/nix/profiles/system");
        var generationLink = Readlink(profileLink);
        var profile = Resolve(profileLink);
        int? generation = generationLink is not null
            && Path.GetFileName(generationLink).Split('-') is [_, var number, "link"]
            && int.TryParse(number, out var n) ? n : null;
        return new NodeStatus(current, profile, generation);
    }

    private static string? Readlink(string path) =>
        new FileInfo(path).LinkTarget;

    private static string? Resolve(string path)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
