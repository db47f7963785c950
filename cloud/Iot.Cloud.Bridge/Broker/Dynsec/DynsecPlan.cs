using System.Text.Json.Nodes;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>
/// The commands that turn Mosquitto's current dynsec state into the desired one. Everything not desired is removed,
/// except the admin account and its roles: PostgreSQL is the source of truth, Mosquitto's file is a cache of it.
/// </summary>
public static class DynsecPlan
{
    public static IReadOnlyList<JsonObject> Compute(DynsecState current, DynsecState desired, string adminUsername)
    {
        var commands = new List<JsonObject>();
        var admin = current.Clients.FirstOrDefault(c => c.Username == adminUsername);
        var protectedRoles = new HashSet<string>(admin?.Roles ?? [], StringComparer.Ordinal);
        var currentRoles = current.Roles.ToDictionary(r => r.RoleName, StringComparer.Ordinal);
        var desiredRoles = desired.Roles.ToDictionary(r => r.RoleName, StringComparer.Ordinal);

        foreach (var role in desired.Roles)
        {
            if (!currentRoles.TryGetValue(role.RoleName, out var have))
            {
                commands.Add(new JsonObject
                {
                    ["command"] = "createRole",
                    ["rolename"] = role.RoleName,
                    ["acls"] = new JsonArray(role.Acls.Select(AclJson).ToArray()),
                });
                continue;
            }

            var want = role.Acls.ToHashSet();
            var got = have.Acls.ToHashSet();
            foreach (var extra in got.Except(want))
            {
                commands.Add(new JsonObject { ["command"] = "removeRoleACL", ["rolename"] = role.RoleName, ["acltype"] = extra.AclType, ["topic"] = extra.Topic });
            }

            foreach (var missing in want.Except(got))
            {
                var add = AclJson(missing);
                add["command"] = "addRoleACL";
                add["rolename"] = role.RoleName;
                commands.Add(add);
            }
        }

        var currentClients = current.Clients.ToDictionary(c => c.Username, StringComparer.Ordinal);
        var desiredNames = desired.Clients.Select(c => c.Username).ToHashSet(StringComparer.Ordinal);
        foreach (var client in current.Clients.Where(c => c.Username != adminUsername && !desiredNames.Contains(c.Username)))
        {
            // Deleting a client also disconnects its live session: revocation reaches Mosquitto on the next pass.
            commands.Add(new JsonObject { ["command"] = "deleteClient", ["username"] = client.Username });
        }

        foreach (var client in desired.Clients)
        {
            if (!currentClients.TryGetValue(client.Username, out var have))
            {
                var create = new JsonObject
                {
                    ["command"] = "createClient",
                    ["username"] = client.Username,
                    ["password"] = client.Password,
                    ["textdescription"] = client.TextDescription,
                    ["roles"] = new JsonArray(client.Roles.Select(r => (JsonNode)new JsonObject { ["rolename"] = r }).ToArray()),
                };
                if (client.ClientId is not null)
                {
                    create["clientid"] = client.ClientId;
                }

                commands.Add(create);
                continue;
            }

            if (have.TextDescription != client.TextDescription)
            {
                commands.Add(new JsonObject { ["command"] = "setClientPassword", ["username"] = client.Username, ["password"] = client.Password });
            }

            if (have.TextDescription != client.TextDescription || (have.ClientId ?? "") != (client.ClientId ?? "")
                || !have.Roles.Order(StringComparer.Ordinal).SequenceEqual(client.Roles.Order(StringComparer.Ordinal)))
            {
                commands.Add(new JsonObject
                {
                    ["command"] = "modifyClient",
                    ["username"] = client.Username,
                    ["clientid"] = client.ClientId ?? "",
                    ["textdescription"] = client.TextDescription,
                    ["roles"] = new JsonArray(client.Roles.Select(r => (JsonNode)new JsonObject { ["rolename"] = r }).ToArray()),
                });
            }

            if (have.Disabled)
            {
                commands.Add(new JsonObject { ["command"] = "enableClient", ["username"] = client.Username });
            }
        }

        foreach (var role in current.Roles.Where(r => !desiredRoles.ContainsKey(r.RoleName) && !protectedRoles.Contains(r.RoleName)))
        {
            commands.Add(new JsonObject { ["command"] = "deleteRole", ["rolename"] = role.RoleName });
        }

        return commands;
    }

    private static JsonObject AclJson(DynsecAcl acl) => new() { ["acltype"] = acl.AclType, ["topic"] = acl.Topic, ["allow"] = acl.Allow, ["priority"] = 0 };
}
