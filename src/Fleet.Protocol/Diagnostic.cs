namespace Fleet.Protocol;

/// <summary>One problem a provider reports: severity "error" or "warning", a message, and the input field if any.</summary>
public sealed record Diagnostic(string Severity, string Message, string? Field = null)
{
    public const string Error = "error";
    public const string Warning = "warning";

    public override string ToString() => Field is null ? $"{Severity}: {Message}" : $"{Severity}: {Field}: {Message}";
}
