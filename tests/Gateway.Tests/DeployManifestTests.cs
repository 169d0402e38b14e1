using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Platform.Gateway.Tests;

/// <summary>
/// What of <c>deploy/</c> this machine cannot run (no Docker engine, no Kubernetes) is checked as far as reading it
/// goes: every file parses, the image runs as a non-root user, probes point at the platform's health routes, pods carry
/// the labels and downward-API variables Orleans' Kubernetes hosting needs, and no secret is written in any file.
/// </summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Deploy = typeof(DeployManifestTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DeployPath").Value!;

    [Fact]
    public void The_image_is_built_in_two_stages_and_runs_as_a_non_root_user_with_no_secret_in_it()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

        Assert.Equal(2, FromLine().Count(dockerfile));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", dockerfile, StringComparison.Ordinal);
        Assert.Equal("USER app", dockerfile.Split('\n').Last(static l => l.StartsWith("USER ", StringComparison.Ordinal)).Trim());
        Assert.DoesNotMatch(SecretSetting(), dockerfile);
    }

    [Fact]
    public void The_deployment_runs_non_root_with_health_probes_orleans_labels_and_secrets_only_from_secret_objects()
    {
        var deployment = Single(Documents("kubernetes/deployment.yaml"), "Deployment");
        var pod = Map(Map(deployment, "spec"), "template");
        var labels = Map(Map(pod, "metadata"), "labels");
        var spec = Map(pod, "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)spec["containers"]).Children.Single();
        var env = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>().ToDictionary(static e => Text(e, "name"));

        Assert.Equal("true", Text(Map(spec, "securityContext"), "runAsNonRoot"));
        Assert.Equal("false", Text(Map(container, "securityContext"), "allowPrivilegeEscalation"));
        Assert.Equal("/readyz", Text(Map(Map(container, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("/healthz", Text(Map(Map(container, "livenessProbe"), "httpGet"), "path"));
        Assert.Equal(Text(labels, "orleans/clusterId"), Text(env["ORLEANS_CLUSTER_ID"], "value"));
        Assert.Equal(Text(labels, "orleans/serviceId"), Text(env["ORLEANS_SERVICE_ID"], "value"));
        Assert.Equal(Text(env["ORLEANS_CLUSTER_ID"], "value"), Text(env["Silo__ClusterId"], "value"));
        foreach (var (name, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP") })
        {
            Assert.Equal(field, Text(Map(Map(env[name], "valueFrom"), "fieldRef"), "fieldPath"));
        }

        Assert.Equal("postgres", Text(env["Silo__Clustering"], "value"));
        Assert.Equal("true", Text(env["Silo__Kubernetes"], "value"));
        Assert.Equal("agent-platform", Text(Map(Map(env["Platform__OperatorKey"], "valueFrom"), "secretKeyRef"), "name"));
        Assert.Equal("agent-platform", Text(spec, "serviceAccountName"));

        // The broker's password is a file from the Secret's mount, never a value in the manifest.
        Assert.Equal("rabbitmq", Text(env["Platform__Bus__Transport"], "value"));
        Assert.StartsWith("/run/secrets/platform/", Text(env["Platform__Bus__RabbitMq__PasswordFile"], "value"), StringComparison.Ordinal);
        Assert.DoesNotContain("Platform__Bus__RabbitMq__Password", env.Keys);
    }

    [Fact]
    public void A_disruption_budget_a_service_and_the_pod_permissions_orleans_needs_are_there()
    {
        var budget = Single(Documents("kubernetes/poddisruptionbudget.yaml"), "PodDisruptionBudget");
        var rbac = Documents("kubernetes/rbac.yaml");
        var role = Single(rbac, "Role");
        var rule = (YamlMappingNode)((YamlSequenceNode)role["rules"]).Children.Single();

        Assert.Equal("1", Text(Map(budget, "spec"), "maxUnavailable"));
        Assert.Equal(["delete", "get", "list", "watch"], ((YamlSequenceNode)rule["verbs"]).Children.Select(static v => ((YamlScalarNode)v).Value!).Order(StringComparer.Ordinal));
        Assert.Single(rbac, static d => Text(d, "kind") == "RoleBinding");
        Assert.Equal("http", Text((YamlMappingNode)((YamlSequenceNode)Map(Single(Documents("kubernetes/service.yaml"), "Service"), "spec")["ports"]).Children.Single(), "targetPort"));
    }

    [Fact]
    public void The_compose_file_takes_every_secret_from_files_outside_the_repository()
    {
        var compose = Documents("compose.yaml").Single();
        var services = Map(compose, "services");
        var secrets = Map(compose, "secrets");

        Assert.Equal(["nginx", "node-1", "node-2", "postgres", "rabbitmq"], services.Children.Keys.Select(static k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        foreach (var node in new[] { "node-1", "node-2" })
        {
            var environment = Map(Map(services, node), "environment");
            Assert.Equal("/run/secrets/platform-db", Text(environment, "Silo__Postgres__ConnectionStringFile"));
            Assert.Equal(node, Text(environment, "Silo__NodeName"));
            Assert.StartsWith("${PLATFORM_OPERATOR_KEY:?", Text(environment, "Platform__OperatorKey"), StringComparison.Ordinal);
            Assert.Equal("rabbitmq", Text(environment, "Platform__Bus__Transport"));
            Assert.Equal("/run/secrets/rabbitmq-password", Text(environment, "Platform__Bus__RabbitMq__PasswordFile"));
            Assert.False(environment.Children.ContainsKey(new YamlScalarNode("Platform__Bus__RabbitMq__Password")));
        }

        foreach (var (_, secret) in secrets.Children)
        {
            Assert.StartsWith("./compose/secrets/", Text((YamlMappingNode)secret, "file"), StringComparison.Ordinal);
        }

        Assert.Contains("deploy/compose/secrets/", File.ReadAllText(Path.Combine(Deploy, "..", ".gitignore")), StringComparison.Ordinal);
    }

    [Fact]
    public void No_file_in_deploy_writes_a_password_or_key_down()
    {
        foreach (var file in Directory.EnumerateFiles(Deploy, "*", SearchOption.AllDirectories).Where(static f => !f.Contains($"{Path.DirectorySeparatorChar}secrets{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            Assert.DoesNotMatch(SecretSetting(), File.ReadAllText(file));
        }
    }

    private static List<YamlMappingNode> Documents(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Deploy, relative));
        stream.Load(reader);
        return [.. stream.Documents.Select(static d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlMappingNode Single(IEnumerable<YamlMappingNode> documents, string kind) => documents.Single(d => Text(d, "kind") == kind);

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    [GeneratedRegex(@"^FROM\s", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    // Password=… with a value, an operator key (op_…), an OpenAI-style key (sk-…) or a PEM private key.
    [GeneratedRegex(@"Password=[^;…%$'""\s]{3,}|\bop_[0-9a-f]{16,}|\bsk-[A-Za-z0-9]{16,}|BEGIN [A-Z ]*PRIVATE KEY", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSetting();
}
