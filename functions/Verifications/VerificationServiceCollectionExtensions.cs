using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.ImageModerations;
using Shiming.Storage;
using Shiming.TextRecognitions;

namespace Shiming.Verifications;

public static class VerificationServiceCollectionExtensions
{
    public static IServiceCollection AddVerifications(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>();
        services.AddSingleton<VerificationStorage>();
        services.AddSingleton<Backlog>();
        services.AddSingleton<JobRecords>();
        services.AddSingleton<SubmissionClaims>();
        services.AddSingleton<JobAcceptance>();
        services.AddSingleton<PoisonQueue>();
        services.AddSingleton<IQueueDecodingFailureHandler>(sp => sp.GetRequiredService<PoisonQueue>());
        services.AddSingleton<JobTransitions>();
        services.AddSingleton<VerificationPurge>();
        services.AddSingleton<PacingMargin>();
        services.AddSingleton<BudgetLedger>();
        services.AddSingleton<IStartTimeSource>(sp => sp.GetRequiredService<BudgetLedger>());
        services.AddSingleton<CallSlots>();
        services.AddSingleton<QpsRefusalMonitor>();
        services.AddScoped<VerificationDrain>();
        services.AddScoped<VerificationRetention>();

        // Every kind of job on the same pipeline, each with its own line, budget and Baidu API.
        services.AddSingleton<IValidateOptions<BaiduOptions>, JobBudgetsValidator>();
        services.AddSingleton<JobLines>();
        services.AddSingleton<JobEndpoints>();
        services.AddSingleton<IdCardJobApi>();
        services.AddSingleton<IJobApi>(sp => sp.GetRequiredService<IdCardJobApi>());
        services.AddKeyedSingleton<IJobApi>(JobKind.Verification, (sp, _) => sp.GetRequiredService<IdCardJobApi>());
        services.AddKeyedSingleton<IJobApi, TextJobApi>(JobKind.Text);
        services.AddKeyedSingleton<IJobApi, ModerationJobApi>(JobKind.Moderation);
        foreach (var kind in JobKinds.All.Where(kind => kind != JobKind.Verification))
        {
            services.AddSingleton<IQueueDecodingFailureHandler>(sp => sp.GetRequiredService<JobLines>()[kind].Poison);
        }

        return services;
    }
}
