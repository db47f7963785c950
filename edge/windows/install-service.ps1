#Requires -RunAsAdministrator
<#
.SYNOPSIS
  Installs (or upgrades, or removes) the IoT audio edge agent as the Windows service "iot-agent".

.DESCRIPTION
  Copies a published agent (dotnet publish edge/Iot.Edge.Agent -c Release -r win-x64 --self-contained) to
  -InstallDirectory, writes C:\ProgramData\iot-agent\iot-agent.json on first install (kept on upgrade), points the
  service at it through IOT_AGENT_CONFIG, and registers the service: automatic (delayed) start, after the Windows
  Audio service, restarted by the service manager when it fails.

.EXAMPLE
  .\install-service.ps1 -PublishDirectory .\win-pub -TenantId acme -DeviceId store-12-desk-1 -MqttHost broker.acme.local
.EXAMPLE
  .\install-service.ps1 -Uninstall
#>
[CmdletBinding(DefaultParameterSetName = 'Install')]
param(
    [Parameter(ParameterSetName = 'Install')] [string] $PublishDirectory = $PSScriptRoot,
    [Parameter(ParameterSetName = 'Install')] [string] $InstallDirectory = "$env:ProgramFiles\iot-agent",
    [Parameter(ParameterSetName = 'Install')] [string] $TenantId,
    [Parameter(ParameterSetName = 'Install')] [string] $DeviceId,
    [Parameter(ParameterSetName = 'Install')] [string] $MqttHost,
    [Parameter(ParameterSetName = 'Install')] [int] $MqttPort = 1883,
    # Endpoint id ({0.0.1.00000000}.{guid}) or part of the microphone's name; empty = first USB microphone.
    [Parameter(ParameterSetName = 'Install')] [string] $Microphone,
    [Parameter(ParameterSetName = 'Uninstall', Mandatory)] [switch] $Uninstall
)
$ErrorActionPreference = 'Stop'
$name = 'iot-agent'
$dataDirectory = Join-Path $env:ProgramData 'iot-agent'
$configPath = Join-Path $dataDirectory 'iot-agent.json'

function Stop-Agent {
    $service = Get-Service -Name $name -ErrorAction SilentlyContinue
    if ($service -and $service.Status -ne 'Stopped') {
        # The agent seals the chunk in progress on stop; give it the time it asks for.
        Stop-Service -Name $name
        $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
    }
    return $service
}

if ($Uninstall) {
    if (Stop-Agent) {
        & sc.exe delete $name | Out-Null
        Write-Host "Removed service $name. Spool, logs and configuration stay in $dataDirectory; delete it to discard unsent audio."
    }
    return
}

$exe = Join-Path $PublishDirectory 'iot-agent.exe'
if (-not (Test-Path $exe)) {
    throw "No iot-agent.exe in '$PublishDirectory'. Publish first: dotnet publish edge/Iot.Edge.Agent -c Release -r win-x64 --self-contained -o <dir>"
}

$existing = Stop-Agent
New-Item -ItemType Directory -Force -Path $InstallDirectory, (Join-Path $dataDirectory 'spool'), (Join-Path $dataDirectory 'logs') | Out-Null
if ((Resolve-Path $PublishDirectory).Path -ne (Resolve-Path $InstallDirectory).Path) {
    Copy-Item -Path (Join-Path $PublishDirectory '*') -Destination $InstallDirectory -Recurse -Force
}

# First install: write the configuration. Upgrade: keep the operator's file, only apply values given on this call.
if (Test-Path $configPath) {
    $config = Get-Content -Raw $configPath | ConvertFrom-Json
} else {
    $config = Get-Content -Raw (Join-Path $PSScriptRoot 'iot-agent.windows.json') | ConvertFrom-Json
}
function Set-Key($section, $key, $value) {
    # Add-Member -Force also works when an operator removed the key from the file.
    $section | Add-Member -NotePropertyName $key -NotePropertyValue $value -Force
}
if ($TenantId) { Set-Key $config.Agent 'TenantId' $TenantId }
if ($DeviceId) { Set-Key $config.Agent 'DeviceId' $DeviceId }
if ($MqttHost) { Set-Key $config.Mqtt 'Host' $MqttHost }
if ($PSBoundParameters.ContainsKey('MqttPort')) { Set-Key $config.Mqtt 'Port' $MqttPort }
if ($PSBoundParameters.ContainsKey('Microphone')) {
    if (-not $config.Audio.Wasapi) { Set-Key $config.Audio 'Wasapi' ([pscustomobject]@{}) }
    Set-Key $config.Audio.Wasapi 'Device' $(if ($Microphone) { $Microphone } else { $null })
}
if (-not $config.Agent.TenantId -or -not $config.Agent.DeviceId) {
    throw "Agent:TenantId and Agent:DeviceId must be set: pass -TenantId and -DeviceId (or edit $configPath)."
}
$config | ConvertTo-Json -Depth 10 | Set-Content -Encoding utf8 $configPath

$binaryPath = '"' + (Join-Path $InstallDirectory 'iot-agent.exe') + '"'
$serviceKey = "HKLM:\SYSTEM\CurrentControlSet\Services\$name"
if (-not $existing) {
    New-Service -Name $name -BinaryPathName $binaryPath -DisplayName 'IoT audio edge agent' `
        -Description 'Records the microphone, keeps Ogg/Opus chunks in a local outbox and publishes them over MQTT.' `
        -StartupType Automatic -DependsOn 'Audiosrv' | Out-Null
} else {
    # Through the registry rather than sc.exe: Windows PowerShell 5.1 mangles quoted native arguments.
    Set-ItemProperty -Path $serviceKey -Name ImagePath -Type ExpandString -Value $binaryPath
}

# Delayed start: audio endpoints and the network are up by then.
& sc.exe config $name start= delayed-auto | Out-Null
# Restart after 5 s, 30 s, then every 2 min; the failure count resets after a day without failures.
& sc.exe failure $name reset= 86400 actions= restart/5000/restart/30000/restart/120000 | Out-Null
# Also treat "stopped with a non-zero exit code" (e.g. 2 = bad configuration) as a failure, not only crashes.
& sc.exe failureflag $name 1 | Out-Null

# Service-specific environment (REG_MULTI_SZ "Environment" under the service key): where the configuration is.
Set-ItemProperty -Path $serviceKey -Name Environment -Type MultiString `
    -Value @("IOT_AGENT_CONFIG=$configPath")

Start-Service -Name $name
Get-Service -Name $name | Format-Table -AutoSize Name, Status, StartType
Write-Host "Configuration: $configPath"
Write-Host "Logs:          $(Join-Path $dataDirectory 'logs')\iot-agent-YYYYMMDD.log (compact JSON, 14 days kept)"
Write-Host "Outbox:        $(Join-Path $dataDirectory 'spool')"
