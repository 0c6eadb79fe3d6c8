using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>
/// The azd templates, compiled by the Bicep compiler: they compile and lint clean, they have the
/// shape azd needs, and no credential is anywhere. What the compiler already refuses (a module
/// missing a required parameter or given one it does not declare, a wrong type) needs no test here.
/// </summary>
[TestClass]
public sealed class TemplateTests
{
    // Shapes of credentials and of the functions that fetch them; none may appear in a deployment file.
    private static readonly Regex Credential = new(
        @"AccountKey\s*=|SharedAccessSignature\s*=|SharedAccessKey\s*=|SharedAccessKeyName\s*=|InstrumentationKey\s*=|Password\s*=|UseDevelopmentStorage|DefaultEndpointsProtocol|listKeys\s*\(|listSecrets\s*\(|list\w*Keys\s*\(|[A-Za-z0-9+/]{40,}={1,2}",
        RegexOptions.IgnoreCase | RegexOptions.Compiled);

    [TestMethod]
    public void Every_template_lints_with_no_warning_and_no_error()
    {
        var lint = Templates.Lint;
        var templates = Directory.GetFiles(Path.Combine(Repository.Root, "infra"), "*.bicep", SearchOption.AllDirectories);

        Assert.IsGreaterThanOrEqualTo(7, templates.Length);
        Assert.AreEqual(templates.Length, lint.FilesLinted, "bicep lint did not read every template");
        Assert.IsEmpty(lint.Diagnostics, string.Join('\n', lint.Diagnostics));
        Assert.AreEqual(0, lint.ExitCode);
    }

    [TestMethod]
    public void The_lint_check_reports_what_the_compiler_finds_in_a_broken_template()
    {
        var folder = Directory.CreateTempSubdirectory("shiming-bicep-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "broken.bicep"), "param unused string\nvar missing = nowhere\n");

            var lint = BicepCli.Lint(folder.FullName);

            Assert.AreEqual(1, lint.FilesLinted);
            Assert.AreNotEqual(0, lint.ExitCode);
            Assert.IsTrue(lint.Diagnostics.Any(d => d is { RuleId: "no-unused-params", Level: "warning", Line: 1 }), string.Join('\n', lint.Diagnostics));
            Assert.IsTrue(lint.Diagnostics.Any(d => d is { RuleId: "BCP057", Level: "error", Line: 2 }), string.Join('\n', lint.Diagnostics));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void The_main_template_deploys_every_module_to_the_resource_group_of_the_environment()
    {
        var main = Templates.Main;

        Assert.EndsWith("/subscriptionDeploymentTemplate.json#", main.Json.GetProperty("$schema").GetString()!);
        var group = main.Resources("Microsoft.Resources/resourceGroups").Single();
        CollectionAssert.AreEquivalent(
            new[] { "identity", "monitoring", "alerts", "storage", "keyVault", "rbacAssignments", "api" },
            Templates.ModuleDeployments.Select(d => d.GetProperty("name").GetString()).ToArray());
        foreach (var deployment in Templates.ModuleDeployments)
        {
            // Bicep puts a module in the resource group by deploying it there.
            Assert.AreEqual(group.GetProperty("name").GetString(), deployment.StringAt("resourceGroup"), deployment.GetProperty("name").GetString());
        }
    }

    [TestMethod]
    public void No_deployment_file_holds_a_connection_string_or_a_key()
    {
        var compiled = Templates.Main.Json.GetRawText();
        Assert.IsFalse(Credential.IsMatch(compiled), $"the compiled template holds what looks like a credential: {Credential.Match(compiled).Value}");
        foreach (var path in Templates.DeploymentFiles())
        {
            var text = File.ReadAllText(path);
            var match = Credential.Match(text);
            Assert.IsFalse(match.Success, $"{Path.GetRelativePath(Repository.Root, path)} holds what looks like a credential: {match.Value}");
        }
    }

    [TestMethod]
    public void The_only_setting_named_a_connection_string_is_telemetry_that_needs_Entra_ID()
    {
        var connectionStrings = Templates.AppSettings().Keys
            .Where(k => k.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) || k.Contains("CONNECTION_STRING", StringComparison.Ordinal) || k == "AzureWebJobsStorage")
            .ToList();

        CollectionAssert.AreEqual(new[] { "APPLICATIONINSIGHTS_CONNECTION_STRING" }, connectionStrings);
        StringAssert.StartsWith(Templates.AppSettings()["APPLICATIONINSIGHTS_CONNECTION_STRING"], "[reference(resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))");
        // With local auth off, the Application Insights connection string is an address: ingestion needs a token.
        var component = Templates.Monitoring.Resources("Microsoft.Insights/components").Single();
        Assert.IsTrue(component.At("properties.DisableLocalAuth").GetBoolean());
    }

    [TestMethod]
    public void Storage_accepts_only_Entra_ID_and_nothing_in_it_is_public()
    {
        var storage = Templates.Storage;
        var account = storage.Resources("Microsoft.Storage/storageAccounts").Single();

        Assert.IsFalse(account.At("properties.allowSharedKeyAccess").GetBoolean());
        Assert.IsFalse(account.At("properties.allowBlobPublicAccess").GetBoolean());
        Assert.IsTrue(account.At("properties.defaultToOAuthAuthentication").GetBoolean());
        Assert.AreEqual("TLS1_2", account.StringAt("properties.minimumTlsVersion"));
        var containers = storage.Resources("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.HasCount(2, containers);
        foreach (var container in containers)
        {
            Assert.AreEqual("None", container.StringAt("properties.publicAccess"), container.StringAt("name"));
        }
    }

    [TestMethod]
    public void Storage_holds_the_deployment_container_images_queues_and_tables()
    {
        var storage = Templates.Storage;
        string[] Names(string type) => [.. storage.Resources(type).Select(r => r.StringAt("name"))];
        static string Child(string parameter) => $"[format('{{0}}/{{1}}/{{2}}', parameters('name'), 'default', parameters('{parameter}'))]";

        CollectionAssert.AreEquivalent(new[] { Child("deploymentContainerName"), Child("imageContainerName") }, Names("Microsoft.Storage/storageAccounts/blobServices/containers"));
        static string Companion(string suffix) => $"[format('{{0}}/{{1}}/{{2}}', parameters('name'), 'default', format('{{0}}-{suffix}', parameters('jobQueueName')))]";
        CollectionAssert.AreEquivalent(
            new[] { Child("jobQueueName"), Companion("returned"), Companion("poison") },
            Names("Microsoft.Storage/storageAccounts/queueServices/queues"));
        CollectionAssert.AreEquivalent(new[] { Child("jobTableName"), Child("keyTableName") }, Names("Microsoft.Storage/storageAccounts/tableServices/tables"));
        // The deployment container is the one the function app deploys from.
        Assert.AreEqual("[variables('deploymentStorageContainerName')]", Templates.Argument("storage", "deploymentContainerName"));
        Assert.AreEqual("[variables('deploymentStorageContainerName')]", Templates.Argument("api", "deploymentStorageContainerName"));
    }

    [TestMethod]
    public void Card_images_left_behind_are_deleted_after_a_day_and_deleted_images_are_not_kept()
    {
        var storage = Templates.Storage;
        var policy = storage.Resources("Microsoft.Storage/storageAccounts/managementPolicies").Single();
        var rule = policy.At("properties.policy.rules").EnumerateArray().Single();

        Assert.IsTrue(rule.At("enabled").GetBoolean());
        CollectionAssert.AreEqual(new[] { "[format('{0}/', parameters('imageContainerName'))]" }, rule.At("definition.filters.prefixMatch").EnumerateArray().Select(p => p.GetString()).ToArray());
        Assert.AreEqual(1, rule.At("definition.actions.baseBlob.delete.daysAfterModificationGreaterThan").GetInt32());
        var blobService = storage.Resources("Microsoft.Storage/storageAccounts/blobServices").Single();
        Assert.IsFalse(blobService.At("properties.deleteRetentionPolicy.enabled").GetBoolean());
        Assert.IsFalse(blobService.At("properties.containerDeleteRetentionPolicy.enabled").GetBoolean());
    }

    [TestMethod]
    public void The_managed_identity_gets_the_data_roles_the_app_and_the_host_need()
    {
        var rbac = Templates.Rbac;
        var roles = new Dictionary<string, (string RoleId, string Scope)>
        {
            ["Storage Blob Data Owner"] = ("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts"),
            ["Storage Queue Data Contributor"] = ("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts"),
            ["Storage Table Data Contributor"] = ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts"),
            ["Monitoring Metrics Publisher"] = ("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components"),
            ["Key Vault Secrets User"] = ("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults"),
        };

        var forTheApp = rbac.Resources("Microsoft.Authorization/roleAssignments")
            .Where(r => r.StringAt("properties.principalId") == Templates.Parameter("managedIdentityPrincipalId"))
            .ToList();
        Assert.HasCount(3, forTheApp); // the storage loop (three roles), telemetry, Key Vault
        var granted = new List<(string RoleId, string Scope)>();
        foreach (var assignment in forTheApp)
        {
            Assert.AreEqual("ServicePrincipal", assignment.StringAt("properties.principalType"));
            Assert.IsFalse(assignment.TryGetProperty("condition", out _), "the app's roles are unconditional");
            var scope = Regex.Match(assignment.StringAt("scope"), @"^\[resourceId\('([^']+)'").Groups[1].Value;
            granted.AddRange(RoleIds(rbac, assignment).Select(id => (id, scope)));
        }

        CollectionAssert.AreEquivalent(roles.Values.ToArray(), granted.ToArray());
        Templates.AssertIsModuleOutput(Templates.Argument("rbacAssignments", "managedIdentityPrincipalId"), "identity", "principalId");
    }

    [TestMethod]
    public void A_developer_gets_data_access_only_when_the_environment_asks_for_it()
    {
        var rbac = Templates.Rbac;
        var forTheUser = rbac.Resources("Microsoft.Authorization/roleAssignments")
            .Where(r => r.StringAt("properties.principalId") == Templates.Parameter("userIdentityPrincipalId"))
            .ToList();

        Assert.HasCount(1, forTheUser);
        Assert.AreEqual("[and(parameters('allowUserIdentityPrincipal'), not(empty(parameters('userIdentityPrincipalId'))))]", forTheUser[0].StringAt("condition"));
        Assert.IsFalse(rbac.Default("allowUserIdentityPrincipal").GetBoolean());
        Assert.AreEqual("[parameters('allowDeveloperDataAccess')]", Templates.Argument("rbacAssignments", "allowUserIdentityPrincipal"));
        Assert.IsFalse(Templates.Main.Default("allowDeveloperDataAccess").GetBoolean());
    }

    [TestMethod]
    public void Secret_parameters_are_secure_come_from_the_azd_environment_and_never_leave_in_outputs()
    {
        var main = Templates.Main;
        var parameters = Templates.ParametersFile();
        var secrets = main.Parameters.EnumerateObject()
            .Where(p => p.Name.EndsWith("Key", StringComparison.Ordinal) || p.Name.Contains("Secret", StringComparison.Ordinal))
            .Select(p => p.Name)
            .ToList();
        CollectionAssert.IsSubsetOf(new[] { "baiduApiKey", "baiduSecretKey", "encryptionKey", "blindIndexKey" }, secrets);

        foreach (var secret in secrets)
        {
            Assert.AreEqual("securestring", main.Parameters.GetProperty(secret).StringAt("type"), $"{secret} is not @secure()");
            Assert.IsFalse(main.HasDefault(secret), $"{secret} has a default value");
            var value = parameters.GetProperty(secret).GetProperty("value").GetString()!;
            Assert.MatchesRegex(new Regex(@"^\$\{[A-Z_]+\}$"), value, $"{secret} must come from the azd environment with no literal default");
        }

        foreach (var template in new[] { main }.Concat(Templates.ModuleDeployments.Select(d => Templates.Module(d.GetProperty("name").GetString()!))))
        {
            var secure = template.Parameters.EnumerateObject().Where(p => p.Value.StringAt("type") == "securestring").Select(p => p.Name).ToList();
            foreach (var output in template.Outputs.EnumerateObject())
            {
                foreach (var name in secure)
                {
                    Assert.DoesNotContain($"parameters('{name}')", output.Value.GetRawText(), $"output {output.Name} exposes {name}");
                }
            }

            foreach (var parameter in template.Parameters.EnumerateObject().Where(p => p.Name.EndsWith("Key", StringComparison.Ordinal)))
            {
                Assert.AreEqual("securestring", parameter.Value.StringAt("type"), $"{parameter.Name} is not @secure()");
            }
        }
    }

    [TestMethod]
    public void Every_secret_goes_to_Key_Vault_and_the_app_gets_its_address()
    {
        var vault = Templates.KeyVault;
        var secrets = vault.Resources("Microsoft.KeyVault/vaults/secrets").ToList();

        Assert.HasCount(4, secrets);
        foreach (var secret in secrets)
        {
            var parameter = Regex.Match(secret.StringAt("properties.value"), @"^\[parameters\('(\w+)'\)\]$").Groups[1].Value;
            Assert.AreEqual("securestring", vault.Parameters.GetProperty(parameter).StringAt("type"), secret.StringAt("name"));
            Assert.AreEqual(Templates.Parameter(parameter), Templates.Argument("keyVault", parameter), "the vault stores the secret main.bicep was given");
            // The app's setting is a Key Vault reference to the versionless URI the vault module returns.
            var secretName = Regex.Match(secret.StringAt("name"), @"'([a-z0-9-]+)'\)\]$").Groups[1].Value;
            var uri = vault.Outputs.GetProperty($"{parameter}Uri").StringAt("value");
            Assert.EndsWith($".vaultUri, '{secretName}')]", uri);
            Templates.AssertIsModuleOutput(Templates.Argument("api", $"{parameter}Uri"), "keyVault", $"{parameter}Uri");
        }

        var properties = vault.Resources("Microsoft.KeyVault/vaults").Single().At("properties");
        Assert.IsTrue(properties.At("enableRbacAuthorization").GetBoolean());
    }

    [TestMethod]
    public void The_function_app_runs_the_isolated_worker_on_the_NET_version_it_is_built_for_on_Linux_Flex_Consumption()
    {
        var api = Templates.Api;
        var plan = api.Resources("Microsoft.Web/serverfarms").Single();
        var app = Templates.FunctionApp();
        // The worker is framework-dependent: the platform's .NET must be the one it targets (".NETCoreApp,Version=v10.0").
        var target = typeof(Shiming.Storage.StorageConnection).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        var dotnetVersion = Regex.Match(target, @"^\.NETCoreApp,Version=v(\d+\.\d+)$").Groups[1].Value;

        Assert.AreEqual("FC1", plan.StringAt("sku.name"));
        Assert.AreEqual("FlexConsumption", plan.StringAt("sku.tier"));
        Assert.IsTrue(plan.At("properties.reserved").GetBoolean());
        Assert.AreEqual("functionapp,linux", app.StringAt("kind"));
        Assert.AreEqual("dotnet-isolated", app.StringAt("properties.functionAppConfig.runtime.name"));
        Assert.AreEqual("10.0", dotnetVersion, target);
        Assert.AreEqual(dotnetVersion, app.StringAt("properties.functionAppConfig.runtime.version"));
        Assert.AreEqual("blobContainer", app.StringAt("properties.functionAppConfig.deployment.storage.type"));
        Assert.AreEqual("UserAssignedIdentity", app.StringAt("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.AreEqual(Templates.Parameter("identityId"), app.StringAt("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
        Assert.AreEqual("UserAssigned", app.StringAt("identity.type"));
        Assert.AreEqual(Templates.Parameter("identityId"), app.StringAt("properties.keyVaultReferenceIdentity"));
        Assert.IsTrue(app.At("properties.httpsOnly").GetBoolean());
        Templates.AssertIsModuleOutput(Templates.Argument("api", "identityId"), "identity", "resourceId");
        // functionAppConfig needs 2023-12-01 or later.
        Assert.IsGreaterThanOrEqualTo(0, string.CompareOrdinal(app.StringAt("apiVersion"), "2023-12-01"));
        foreach (var policy in api.Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies"))
        {
            Assert.IsFalse(policy.At("properties.allow").GetBoolean(), policy.StringAt("name"));
        }
    }

    [TestMethod]
    public void CORS_is_the_sites_setting_from_a_parameter_and_App_Service_Authentication_is_a_parameter()
    {
        var api = Templates.Api;
        var app = Templates.FunctionApp();

        // The platform answers preflights and adds the headers; the worker no longer reads an origin list of its own.
        Assert.AreEqual("[variables('allowedOrigins')]", app.StringAt("properties.siteConfig.cors.allowedOrigins"));
        Assert.IsFalse(Templates.AppSettings().Keys.Any(k => k.StartsWith("Cors__", StringComparison.OrdinalIgnoreCase)));
        var origins = api.Variables.GetProperty("allowedOrigins").GetString()!;
        StringAssert.Contains(origins, "split(parameters('corsAllowedOrigins'), ',')");
        StringAssert.Contains(origins, "trim(lambdaVariables('origin'))");
        StringAssert.Contains(origins, "not(empty(lambdaVariables('origin')))");
        var auth = api.Resource("Microsoft.Web/sites/config", "[format('{0}/{1}', parameters('name'), 'authsettingsV2')]");
        Assert.AreEqual("[not(empty(parameters('authClientId')))]", auth.StringAt("condition"));
        Assert.AreEqual("Return401", auth.StringAt("properties.globalValidation.unauthenticatedClientAction"));
        Assert.AreEqual(Templates.Parameter("authClientId"), auth.StringAt("properties.identityProviders.azureActiveDirectory.registration.clientId"));
        foreach (var name in new[] { "corsAllowedOrigins", "authClientId" })
        {
            Assert.AreEqual(Templates.Parameter(name), Templates.Argument("api", name));
            Assert.IsTrue(Templates.ParametersFile().TryGetProperty(name, out _), $"{name} is not in main.parameters.json");
        }
    }

    [TestMethod]
    public void Azure_yaml_deploys_the_functions_project_to_the_app_tagged_with_its_service_name()
    {
        var yaml = File.ReadAllLines(Path.Combine(Repository.Root, "azure.yaml")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        var service = Regex.Match(string.Join('\n', yaml), @"^services:\n  (\w+):\n((?:    .*\n?)+)", RegexOptions.Multiline);
        Assert.IsTrue(service.Success, "azure.yaml has no service");
        var name = service.Groups[1].Value;
        var settings = service.Groups[2].Value;

        StringAssert.Contains(settings, "project: ./functions/");
        StringAssert.Contains(settings, "language: dotnet");
        StringAssert.Contains(settings, "host: function");
        Assert.IsTrue(File.Exists(Path.Combine(Repository.Root, "functions", "Shiming.Functions.csproj")));
        // azd finds the function app by the tag azd-service-name = the service's name.
        Assert.AreEqual("api", Templates.Api.Default("serviceName").GetString());
        Assert.AreEqual("[union(parameters('tags'), createObject('azd-service-name', parameters('serviceName')))]", Templates.FunctionApp().StringAt("tags"));
        Assert.AreEqual(name, Templates.Argument("api", "serviceName"));
    }

    [TestMethod]
    public void The_main_template_gives_azd_the_outputs_it_needs()
    {
        var outputs = Templates.Main.Outputs;

        CollectionAssert.IsSubsetOf(
            new[] { "AZURE_LOCATION", "AZURE_TENANT_ID", "SERVICE_API_NAME", "AZURE_FUNCTION_NAME" },
            outputs.EnumerateObject().Select(o => o.Name).ToArray());
        Templates.AssertIsModuleOutput(outputs.GetProperty("SERVICE_API_NAME").StringAt("value"), "api", "name");
        Templates.AssertIsModuleOutput(outputs.GetProperty("AZURE_FUNCTION_NAME").StringAt("value"), "api", "name");
    }

    [TestMethod]
    public void The_parameters_file_names_only_parameters_of_the_main_template_and_every_required_one()
    {
        var main = Templates.Main;
        var declared = main.Parameters.EnumerateObject().Select(p => p.Name).ToList();
        var given = Templates.ParametersFile().EnumerateObject().Select(p => p.Name).ToList();

        CollectionAssert.IsSubsetOf(given, declared);
        CollectionAssert.IsSubsetOf(declared.Where(p => !main.HasDefault(p)).ToList(), given);
        foreach (var parameter in Templates.ParametersFile().EnumerateObject())
        {
            Assert.AreEqual(JsonValueKind.String, parameter.Value.GetProperty("value").ValueKind);
            Assert.MatchesRegex(new Regex(@"^\$\{[A-Z_]+(=[^}]*)?\}$"), parameter.Value.GetProperty("value").GetString()!, $"{parameter.Name} should come from the azd environment");
        }
    }

    /// <summary>The role definition ids a role assignment grants: one, or one per element of the array its copy loop runs over.</summary>
    private static IEnumerable<string> RoleIds(ArmTemplate rbac, JsonElement assignment)
    {
        var definition = assignment.StringAt("properties.roleDefinitionId");
        var match = Regex.Match(definition, @"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', variables\('(\w+)'\)(\[copyIndex\(\)\])?\)\]$");
        Assert.IsTrue(match.Success, $"not a built-in role from a variable: {definition}");
        var variable = match.Groups[1].Value;
        if (!match.Groups[2].Success)
        {
            return [rbac.Resolve($"[variables('{variable}')]")];
        }

        Assert.AreEqual($"[length(variables('{variable}'))]", assignment.StringAt("copy.count"));
        return [.. rbac.Variables.GetProperty(variable).EnumerateArray().Select(e => rbac.Resolve(e.GetString()!))];
    }
}
