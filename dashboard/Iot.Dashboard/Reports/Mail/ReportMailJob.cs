using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Reports.Mail;

/// <summary>
/// Runs <see cref="ReportMailer"/> every <c>Dashboard:Reports:MailPollSeconds</c> on <see cref="TimeProvider"/> time.
/// It lives in the dashboard, like the overview roll-up, because the report is the dashboard's own query under its
/// row security, and every deployment that has users to mail runs a dashboard; several instances are safe (each period
/// is claimed once in the database, see <see cref="ReportMailer"/>).
/// </summary>
internal sealed partial class ReportMailJob(ReportMailer mailer, TimeProvider time, IOptions<DashboardOptions> options, ILogger<ReportMailJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Reports;
        if (o.MailPollSeconds == 0 || !o.Smtp.Configured)
        {
            LogDisabled();
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await mailer.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (sent > 0)
                {
                    LogPass(sent);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A claimed period is retried after RetryMinutes; nothing is lost by skipping a pass.
                LogFailed(ex);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(o.MailPollSeconds), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled report mail is off (Dashboard:Reports:Smtp:Host empty or Dashboard:Reports:MailPollSeconds = 0)")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled report mail: {Sent} sent")]
    private partial void LogPass(int sent);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled report mail pass failed; retrying next interval")]
    private partial void LogFailed(Exception ex);
}
