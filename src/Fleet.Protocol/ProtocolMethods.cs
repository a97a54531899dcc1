namespace Fleet.Protocol;

/// <summary>Method names of the provider protocol.</summary>
public static class ProtocolMethods
{
    /// <summary>The protocol version this library speaks.</summary>
    public const int Version = 1;

    public const string Initialize = "initialize";
    public const string Validate = "validate";
    public const string Plan = "plan";
    public const string Create = "create";
    public const string Read = "read";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Shutdown = "shutdown";
    public const string Cancel = "$/cancel";
    public const string Credentials = "$/credentials";
    public const string Log = "log";
    public const string Progress = "progress";
}
