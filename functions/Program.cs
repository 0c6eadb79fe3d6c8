using Microsoft.Azure.Functions.Worker.Builder;
using Shiming.Api;
using Shiming.Baidu;
using Shiming.IdCards;
using Shiming.IdentityChecks;
using Shiming.ImageModerations;
using Shiming.Jobs;
using Shiming.Patients;
using Shiming.Privacy;
using Shiming.Storage;
using Shiming.Telemetry;
using Shiming.TextRecognitions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseShimingApi();

builder.Services.AddShimingApi();
builder.Services.AddShimingStorage();
builder.Services.AddPrivacy();
builder.Services.AddBaiduOcr();
builder.Services.AddJobs();
builder.Services.AddIdCards();
builder.Services.AddIdentityChecks();
builder.Services.AddTextRecognitions();
builder.Services.AddImageModerations();
builder.Services.AddPatients();
builder.Services.AddShimingTelemetry(builder.Configuration);

builder.Build().Run();
