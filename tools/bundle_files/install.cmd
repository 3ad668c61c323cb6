@echo off
rem zhenggai @VERSION@ offline installer for Windows (64-bit). Saved as GBK with CRLF by make bundle.
chcp 936 >nul
setlocal EnableExtensions
title 整改台账工具 zhenggai @VERSION@ 离线安装

echo 整改台账工具 zhenggai @VERSION@ 离线安装（不联网，只用本文件夹里的安装包）
echo 安装前请关闭所有 Excel 窗口。
echo.

set "HERE=%~dp0"
set "WHEELS=%HERE%wheels"
if defined ZHENGGAI_HOME (set "ZHOME=%ZHENGGAI_HOME%") else (set "ZHOME=%LOCALAPPDATA%\zhenggai")
set "VENV=%ZHOME%\venv"

rem --- 找 Python：py 启动器里的 @PYTHONS_NEWEST_FIRST@（64 位，新的优先），再找 PATH 上的 python ---
set "PY="
rem (no percent signs in the Python code: cmd.exe would read them as its own)
set "CHECK=import sys, struct; v = '.'.join(map(str, sys.version_info[:2])); sys.exit(0 if v in '@PYTHONS@'.split() and struct.calcsize('P') == 8 else 1)"
for %%V in (@PYTHONS_NEWEST_FIRST@) do (
    if not defined PY (
        py -%%V -c "%CHECK%" >nul 2>&1 && set "PY=py -%%V"
    )
)
if not defined PY (
    python -c "%CHECK%" >nul 2>&1 && set "PY=python"
)
if not defined PY goto no_python
echo 使用 Python：%PY%

rem --- 虚拟环境和安装（已装过的会重新安装，台账等文件不受影响）---
if not exist "%ZHOME%" mkdir "%ZHOME%"
%PY% -m venv --clear --without-pip "%VENV%"
if errorlevel 1 goto venv_failed
set "PIP_WHEEL="
for %%W in ("%WHEELS%\pip-*.whl") do set "PIP_WHEEL=%%~fW"
if not defined PIP_WHEEL goto broken_bundle
rem 只用本包：不读 pip 的配置文件和环境变量，不连任何索引
set "PIP_CONFIG_FILE=nul"
"%VENV%\Scripts\python.exe" "%PIP_WHEEL%\pip" --isolated install --no-index --find-links "%WHEELS%" --disable-pip-version-check --no-warn-script-location pip "zhenggai[@EXTRAS@]==@VERSION@"
if errorlevel 1 goto pip_failed
set "ZG=%VENV%\Scripts\zhenggai.exe"

rem --- 把 zhenggai 命令加到当前用户的 PATH（新开的命令提示符窗口生效）---
powershell -NoProfile -ExecutionPolicy Bypass -Command "$d = '%VENV%\Scripts'; $p = [Environment]::GetEnvironmentVariable('Path', 'User'); if (-not $p) { $p = '' }; if (($p -split ';') -notcontains $d) { [Environment]::SetEnvironmentVariable('Path', (($p.TrimEnd(';') + ';' + $d).TrimStart(';')), 'User') }" >nul 2>&1
if errorlevel 1 echo （没能把 zhenggai 加到 PATH；请用完整路径运行：“%ZG%”）

rem --- Excel 加载项（请先关闭 Excel）---
echo.
echo 正在安装 Excel 加载项……
"%ZG%" addin install
if errorlevel 1 echo （加载项没有装好，见上面的说明；命令行照常可用。以后可再运行：“%ZG%” addin install）

rem --- 示例台账放到“文档\zhenggai”（已有的文件不覆盖）---
set "DOCS="
for /f "usebackq delims=" %%D in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('MyDocuments')" 2^>nul`) do set "DOCS=%%D"
if not defined DOCS set "DOCS=%USERPROFILE%\Documents"
if defined ZHENGGAI_DOCS (set "SAMPLES=%ZHENGGAI_DOCS%") else (set "SAMPLES=%DOCS%\zhenggai")
if not exist "%SAMPLES%" mkdir "%SAMPLES%"
if not exist "%SAMPLES%\示例台账.xlsx" "%ZG%" init "%SAMPLES%\示例台账.xlsx" --demo >nul
if not exist "%SAMPLES%\整改台账模板.xlsx" "%ZG%" init "%SAMPLES%\整改台账模板.xlsx" >nul

echo.
echo 安装完成。
echo   程序：%VENV%
echo   示例：%SAMPLES%（示例台账.xlsx、两个示例学习积分表、空白的 整改台账模板.xlsx）
echo 打开新的“命令提示符”窗口，输入 zhenggai 即可看到全部命令；
echo 重新打开 Excel，功能区会出现“整改台账”选项卡。
goto done

:no_python
echo.
echo 没有找到可用的 Python（需要 64 位的 Python @PYTHONS@ 之一）。
echo 请先安装 Python：到 python.org 下载 Windows installer (64-bit)，安装时勾选“Add python.exe to PATH”；
echo 单位电脑不能上网的，请向信息中心索取 Python 安装程序。装好后再双击 install.cmd。
set "RC=1"
goto finish

:venv_failed
echo.
echo 无法在 %VENV% 建立 Python 虚拟环境。重新安装时请先关闭 Excel（加载项正在使用这里的 Python），
echo 并确认对该文件夹有写入权限。
set "RC=1"
goto finish

:broken_bundle
echo.
echo 安装包不完整：wheels 文件夹里没有 pip。请重新复制整个安装包（解压后的全部文件）。
set "RC=1"
goto finish

:pip_failed
echo.
echo 安装组件时出错（见上面的信息）。常见原因：Python 版本不在 @PYTHONS@ 之内，或安装包没有完整解压。
set "RC=1"
goto finish

:done
set "RC=0"

:finish
echo.
if not defined ZHENGGAI_NO_PAUSE pause
exit /b %RC%
