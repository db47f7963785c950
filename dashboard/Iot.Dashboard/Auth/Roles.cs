namespace Iot.Dashboard.Auth;

public static class Roles
{
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string Analyst = "analyst";
    public const string Technician = "technician";

    public static readonly IReadOnlyList<string> All = [Admin, Supervisor, Analyst, Technician];
}

/// <summary>Authorization policies; endpoints and pages name these, never roles directly.</summary>
public static class Policies
{
    /// <summary>Transcripts, analyses, audio, dialogue lists and exports: everyone but technicians.</summary>
    public const string ReadContent = "read-content";

    /// <summary>Fleet and provisioning: admins, supervisors and technicians (they install devices).</summary>
    public const string ManageDevices = "manage-devices";

    /// <summary>Pushing config and commands to a device: admins and technicians (supervisors watch the fleet).</summary>
    public const string ControlDevices = "control-devices";

    /// <summary>
    /// Correcting a dialogue's analysis and exporting the corrections as labelled data: admins and supervisors (within
    /// their branches, which row security enforces). Analysts read reviews through <see cref="ReadContent"/>.
    /// </summary>
    public const string ReviewAnalyses = "review-analyses";

    /// <summary>
    /// The job queue of the tenant's own dialogues and devices (depth, running, dead, waiting): admins and supervisors
    /// (within their branches). Retrying and cancelling jobs needs <see cref="Admin"/>.
    /// </summary>
    public const string ReadJobs = "read-jobs";

    /// <summary>
    /// The notification centre (issue 17): the bell, the Alerts screen, <c>GET /api/alerts</c> and its live stream. Admins,
    /// supervisors and technicians — the people who act on a device that went offline or a full spool; analysts study
    /// conversations, not the fleet. Row security narrows it further: a branch-scoped user sees the alerts of their
    /// branches only and never a tenant-wide one (no branch: pipeline lag, dead jobs, expiring claims).
    /// </summary>
    public const string ReadAlerts = "read-alerts";

    /// <summary>
    /// Acknowledging an open alert ("someone has it"): admins and supervisors, within their branches (row security; a
    /// tenant-wide alert needs an all-branch user). Technicians see alerts and fix the cause, which resolves them.
    /// Thresholds, channels and the delivery log are tenant-wide settings: <see cref="TenantAdmin"/>.
    /// </summary>
    public const string AcknowledgeAlerts = "acknowledge-alerts";

    /// <summary>
    /// The Performance and Trends pages and their API (issue 19): admins, supervisors and analysts. Unlike the overview
    /// (every role), these rate named operators and each figure opens the dialogues behind it, which technicians may not
    /// read (<see cref="ReadContent"/>). Row security keeps a branch-scoped user to its branches.
    /// </summary>
    public const string ReadPerformance = "read-performance";

    /// <summary>Deletions, restores, users, job retries and cancellations.</summary>
    public const string Admin = "admin";

    /// <summary>
    /// Tenant-wide settings (time zone, retention, dialogue gap; alert thresholds, channels and the delivery log) reach
    /// every branch: admins of all branches only.
    /// </summary>
    public const string TenantAdmin = "tenant-admin";

    /// <summary>
    /// The analysis profile (offer frames, phrases, checklist), its history, the "try it" box and re-analysis progress:
    /// admins and supervisors, who coach the sellers it judges. Saving and re-analysing need <see cref="TenantAdmin"/>.
    /// </summary>
    public const string ReadAnalysisProfile = "read-analysis-profile";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder builder)
    {
        builder.AddPolicy(ReadContent, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor, Roles.Analyst));
        builder.AddPolicy(ReadPerformance, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor, Roles.Analyst));
        builder.AddPolicy(ManageDevices, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor, Roles.Technician));
        builder.AddPolicy(ControlDevices, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Technician));
        builder.AddPolicy(ReviewAnalyses, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor));
        builder.AddPolicy(ReadAnalysisProfile, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor));
        builder.AddPolicy(ReadJobs, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor));
        builder.AddPolicy(ReadAlerts, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor, Roles.Technician));
        builder.AddPolicy(AcknowledgeAlerts, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin, Roles.Supervisor));
        builder.AddPolicy(Admin, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin));
        builder.AddPolicy(TenantAdmin, p => p.RequireClaim(DashboardClaims.Role, Roles.Admin).RequireClaim(DashboardClaims.Branches, Data.TenantScope.AllBranches));
    }
}
