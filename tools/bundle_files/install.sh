#!/bin/sh
# zhenggai @VERSION@ 离线安装（Linux x86_64）。不联网：只用本文件夹 wheels/ 里的安装包。
#
# 用法：sh install.sh
# 装到哪里（都可用环境变量改）：
#   ZHENGGAI_HOME  程序和虚拟环境，默认 ~/.local/share/zhenggai
#   ZHENGGAI_BIN   放 zhenggai 命令的文件夹，默认 ~/.local/bin
#   ZHENGGAI_DOCS  示例台账放在这里，默认 “文档”文件夹下的 zhenggai
#   ZHENGGAI_PYTHON 用哪个 Python（3.11–3.13），默认自动找
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
WHEELS="$HERE/wheels"
PYTHONS="@PYTHONS@"
DATA_HOME=${XDG_DATA_HOME:-"$HOME/.local/share"}
HOME_DIR=${ZHENGGAI_HOME:-"$DATA_HOME/zhenggai"}
BIN_DIR=${ZHENGGAI_BIN:-"$HOME/.local/bin"}
VENV="$HOME_DIR/venv"

say() { printf '%s\n' "$*"; }
fail() { printf '%s\n' "安装没有完成：$*" >&2; exit 1; }

# --- 找 Python ---------------------------------------------------------------
fits() {
    "$1" -c "import sys; v = '.'.join(map(str, sys.version_info[:2])); sys.exit(0 if v in '$PYTHONS'.split() else 1)" \
        >/dev/null 2>&1
}
PY=${ZHENGGAI_PYTHON:-}
if [ -n "$PY" ]; then
    fits "$PY" || fail "ZHENGGAI_PYTHON=$PY 不是 Python $PYTHONS 之一。"
else
    for candidate in @PYTHON_COMMANDS@ python3; do
        if command -v "$candidate" >/dev/null 2>&1 && fits "$candidate"; then
            PY=$candidate
            break
        fi
    done
fi
if [ -z "$PY" ]; then
    fail "没有找到 Python $PYTHONS（本安装包只含这些版本的组件）。
请先安装其中一个版本（如 sudo apt install python3.11，或向信息中心索取），再运行 sh install.sh。"
fi
say "使用 $(command -v "$PY" 2>/dev/null || echo "$PY")（$("$PY" -c 'import sys; print(sys.version.split()[0])')）"

# --- 虚拟环境和安装 -------------------------------------------------------------
# --without-pip: Debian/统信 等系统缺 python3-venv 时 ensurepip 不可用；pip 用本包自带的
mkdir -p "$HOME_DIR"
"$PY" -m venv --clear --without-pip "$VENV" || fail "无法建立虚拟环境 $VENV。"
PIP_WHEEL=$(ls "$WHEELS"/pip-*.whl | head -n 1)
# 只用本包：不读 pip 的配置文件和环境变量，不连任何索引
PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" "$PIP_WHEEL/pip" --isolated install \
    --no-index --find-links "$WHEELS" --disable-pip-version-check --no-warn-script-location \
    pip "zhenggai[@EXTRAS@]==@VERSION@" || fail "安装组件时出错（见上面的信息）。"

mkdir -p "$BIN_DIR"
ln -sf "$VENV/bin/zhenggai" "$BIN_DIR/zhenggai"

# --- 示例台账 ----------------------------------------------------------------
if [ -n "${ZHENGGAI_DOCS:-}" ]; then
    DOCS=$ZHENGGAI_DOCS
else
    DOCUMENTS=$(xdg-user-dir DOCUMENTS 2>/dev/null || true)
    if [ -z "$DOCUMENTS" ] || [ "$DOCUMENTS" = "$HOME" ]; then
        if [ -d "$HOME/文档" ]; then DOCUMENTS="$HOME/文档"; else DOCUMENTS="$HOME/Documents"; fi
    fi
    DOCS="$DOCUMENTS/zhenggai"
fi
mkdir -p "$DOCS"
ZG="$VENV/bin/zhenggai"
# 已有的文件不覆盖（--demo 也不覆盖旁边已有的示例积分表）
if [ ! -e "$DOCS/示例台账.xlsx" ]; then
    "$ZG" init "$DOCS/示例台账.xlsx" --demo >/dev/null || say "示例台账没有生成（原因见上一行）。"
fi
if [ ! -e "$DOCS/整改台账模板.xlsx" ]; then
    "$ZG" init "$DOCS/整改台账模板.xlsx" >/dev/null || say "空白台账没有生成（原因见上一行）。"
fi

say ""
say "安装完成：zhenggai $("$ZG" --version | cut -d' ' -f2)"
say "  程序：$VENV"
say "  命令：$BIN_DIR/zhenggai"
say "  示例：$DOCS（示例台账.xlsx、两个示例学习积分表、空白的 整改台账模板.xlsx）"
case ":$PATH:" in
    *":$BIN_DIR:"*) say "打开新的终端，输入 zhenggai 即可看到全部命令。" ;;
    *) say "$BIN_DIR 不在 PATH 中：请在 ~/.profile 末尾加一行 export PATH=\"$BIN_DIR:\$PATH\"，或直接运行 $BIN_DIR/zhenggai。" ;;
esac
