namespace Fleet.Agent;

/// <summary>fleet-agent's exit codes; docs/agent.md lists them for the deployer.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NothingPending = 3;
    public const int AlreadyRolledBack = 4;
    public const int SwitchFailedRolledBack = 10;
    public const int HealthFailedRolledBack = 11;
    public const int TimeoutRolledBack = 12;
    public const int FailedNoRollback = 13;
    public const int FailedBeforeSwitch = 14;
    public const int HealthFailedKept = 15;
    public const int RolledBackOnRequest = 16;
    public const int Busy = 75;
    public const int Interrupted = 130;
}
