namespace Fleet.Agent.Activation;

/// <summary>The outcome words recorded in last-activation.json and printed by confirm and status.</summary>
public static class Outcomes
{
    public const string Confirmed = "confirmed";
    public const string Activated = "activated";

    /// <summary>dry-activate ended; only said in its finished event, never recorded as the last activation.</summary>
    public const string DryActivated = "dry-activated";
    public const string RolledBackHealth = "rolled-back-health";
    public const string RolledBackSwitch = "rolled-back-switch";
    public const string RolledBackTimeout = "rolled-back-timeout";
    public const string RolledBackManual = "rolled-back-manual";
    public const string Failed = "failed";
}
