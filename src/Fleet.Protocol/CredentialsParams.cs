namespace Fleet.Protocol;

/// <summary>
/// `$/credentials` notification: secrets the user gave for this run (`fleet apply
/// --ask-sudo-password`), sent by the engine right after `initialize` and never written to
/// argv, environment, logs or state. <see cref="ToString"/> masks them.
/// </summary>
public sealed record CredentialsParams(string? SudoPassword)
{
    public static CredentialsParams None { get; } = new((string?)null);

    public override string ToString() => $"CredentialsParams {{ SudoPassword = {(SudoPassword is null ? "none" : "***")} }}";
}
