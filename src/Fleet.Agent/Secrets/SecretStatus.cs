namespace Fleet.Agent.Secrets;

/// <summary>`secret-status` and `write-secret` answer: what the file on the node is (never its content).</summary>
public sealed record SecretStatus(bool Exists)
{
    public string? Owner { get; init; }

    public string? Group { get; init; }

    public string? Mode { get; init; }

    /// <summary>sha256(salt + content), lowercase hex.</summary>
    public string? Digest { get; init; }

    /// <summary>write-secret: the owner or group does not exist yet; `activate` sets them after switching.</summary>
    public bool? PendingOwner { get; init; }
}
