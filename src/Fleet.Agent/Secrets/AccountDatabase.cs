using System.Globalization;

namespace Fleet.Agent.Secrets;

/// <summary>
/// Users and groups of the node, read from its /etc/passwd and /etc/group (what NixOS writes);
/// a number is taken as an id. A name that is not there yet (created by the next activation)
/// resolves to null.
/// </summary>
public sealed class AccountDatabase
{
    private readonly Dictionary<string, int> _users;
    private readonly Dictionary<string, int> _groups;

    private AccountDatabase(Dictionary<string, int> users, Dictionary<string, int> groups)
    {
        _users = users;
        _groups = groups;
    }

    public static AccountDatabase Read(AgentPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new AccountDatabase(Load(Path.Combine(paths.Root, "etc/passwd")), Load(Path.Combine(paths.Root, "etc/group")));
    }

    public int? UserId(string name) => Resolve(_users, name);

    public int? GroupId(string name) => Resolve(_groups, name);

    public string UserName(int id) => _users.FirstOrDefault(u => u.Value == id).Key ?? id.ToString(CultureInfo.InvariantCulture);

    public string GroupName(int id) => _groups.FirstOrDefault(g => g.Value == id).Key ?? id.ToString(CultureInfo.InvariantCulture);

    private static int? Resolve(Dictionary<string, int> table, string name) =>
        table.TryGetValue(name, out var id) ? id
        : int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : null;

    private static Dictionary<string, int> Load(string file)
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(file))
        {
            return table;
        }

        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                table.TryAdd(fields[0], id);
            }
        }

        return table;
    }
}
