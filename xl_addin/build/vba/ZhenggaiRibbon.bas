Attribute VB_Name = "ZhenggaiRibbon"
' Ribbon callbacks of the zhenggai add-in; the tab itself is customUI/customUI.xml.
' OnButton runs the Python handler named by the button's Tag (xl_addin/buttons_spec.py),
' OnPickFile asks for a file first, OnSelfTest checks each link of the chain a click
' goes through and names the one that broke. xl_addin/build/xlam.py puts this module
' into the .xlam: edit this file, not the add-in. VBA keeps its code in an ANSI code
' page, so the builder rewrites every string literal holding Chinese as
' ZhText("\uXXXX..."): Chinese may appear in string literals only, never in a Const,
' a comment or a name. RunPython, GetConfig and FileExists are in the xlwings module.
Option Explicit

Private Function Title() As String
    Title = "整改台账"
End Function

Private Function ZhText(ByVal s As String) As String
    ' The builder's escapes back into characters: "\u6574\u6539" -> two characters.
    Dim i As Long, out As String
    i = 1
    Do While i <= Len(s)
        If Mid$(s, i, 2) = "\u" Then
            out = out & ChrW(CLng("&H" & Mid$(s, i + 2, 4)))
            i = i + 6
        Else
            out = out & Mid$(s, i, 1)
            i = i + 1
        End If
    Loop
    ZhText = out
End Function

Private Function HasWorkbook() As Boolean
    ' ActiveWorkbook is Nothing with no workbook open, and in Protected View.
    If ActiveWorkbook Is Nothing Then
        MsgBox "请先打开台账工作簿，再点“整改台账”选项卡上的按钮。" & vbCrLf & _
            "台账如在“受保护的视图”中打开，请先点黄色提示条上的“启用编辑”。", vbExclamation, Title()
        Exit Function
    End If
    HasWorkbook = True
End Function

Private Function HexPath(ByVal path As String) As String
    ' The path as UTF-16 code units in hex: safe through cmd.exe and AppleScript (xl_addin/picked.py).
    Dim i As Long, code As Long, out As String
    For i = 1 To Len(path)
        code = AscW(Mid$(path, i, 1))
        If code < 0 Then code = code + 65536
        out = out & Right$("000" & Hex$(code), 4)
    Next i
    HexPath = out
End Function

Sub OnButton(control As IRibbonControl)
    If Not HasWorkbook() Then Exit Sub
    RunPython "import xl_addin.buttons as b; b.run('" & control.Tag & "')"
End Sub

Sub OnPickFile(control As IRibbonControl)
    Dim picked As Variant, prompt As String
    If Not HasWorkbook() Then Exit Sub
    Select Case control.Tag
        Case "check_return"
            prompt = "选择要检查的报送文件"
        Case "import_study"
            prompt = "选择学习平台导出的积分表"
        Case Else
            prompt = "选择文件"
    End Select
    #If Mac Then
        picked = Application.GetOpenFilename()
    #Else
        picked = Application.GetOpenFilename("Excel 文件 (*.xlsx;*.xlsm;*.xls),*.xlsx;*.xlsm;*.xls," & _
            "所有文件 (*.*),*.*", 1, prompt)
    #End If
    If VarType(picked) = vbBoolean Then Exit Sub
    #If Mac Then
        If Left$(CStr(picked), 1) <> "/" Then picked = ToPosixPath(CStr(picked))
    #End If
    RunPython "import xl_addin.buttons as b; b.run('" & control.Tag & "', '" & HexPath(CStr(picked)) & "')"
End Sub

Private Function Passed(ByVal what As String) As String
    Passed = "[OK] " & what & vbCrLf
End Function

Private Function Interpreter() As String
    ' The Python RunPython will start: the configured one, else python.exe on PATH ("" if none).
    Dim python As String, folders As Variant, i As Long
    #If Mac Then
        python = GetConfig("INTERPRETER_MAC", "")
    #Else
        python = GetConfig("INTERPRETER_WIN", "")
    #End If
    If python = "" Then python = GetConfig("INTERPRETER", "python")
    If python <> "python" And python <> "pythonw" Then
        If FileExists(python) Then Interpreter = python
        Exit Function
    End If
    folders = Split(Environ("PATH"), ";")
    For i = LBound(folders) To UBound(folders)
        If Len(folders(i)) > 0 Then
            If FileExists(folders(i) & "\python.exe") Then
                Interpreter = folders(i) & "\python.exe"
                Exit Function
            End If
        End If
    Next i
End Function

Private Function Quoted(ByVal s As String) As String
    Quoted = Chr(34) & s & Chr(34)
End Function

Sub OnSelfTest(control As IRibbonControl)
    ' Each step sets stage before it runs; a failure jumps to Broken, which explains that stage.
    Dim stage As String, done As String, detail As String
    Dim sh As Object, env As Object, rc As Long, python As String, oldPath As String
    Dim scratch As Workbook, result As String
    On Error GoTo Broken

    stage = "macros"
    done = done & Passed("宏已启用，加载项已载入")

    #If Mac Then
    #Else
    stage = "scripting"
    Set sh = CreateObject("WScript.Shell")
    done = done & Passed("可以使用 Windows 脚本宿主")

    stage = "child_process"
    rc = sh.Run("cmd.exe /c exit 7", 0, True)
    If rc <> 7 Then GoTo Broken
    done = done & Passed("Excel 可以启动其他程序（cmd.exe）")

    stage = "interpreter"
    python = Interpreter()
    If python = "" Then GoTo Broken
    done = done & Passed("找到 Python：" & python)

    If GetConfig("CONDA PATH") = "" Then
        stage = "python_runs"
        rc = sh.Run(Quoted(python) & " -c " & Quoted("import sys; sys.exit(3)"), 0, True)
        If rc <> 3 Then GoTo Broken
        done = done & Passed("Python 可以运行")

        stage = "import"
        Set env = sh.Environment("Process")
        oldPath = env("PYTHONPATH")
        If GetConfig("PYTHONPATH") <> "" Then env("PYTHONPATH") = GetConfig("PYTHONPATH")
        rc = sh.Run(Quoted(python) & " -c " & Quoted("import xl_addin.buttons, zhenggai"), 0, True)
        env("PYTHONPATH") = oldPath
        If rc <> 0 Then GoTo Broken
        done = done & Passed("Python 能载入 zhenggai")
    End If
    #End If

    stage = "book_caller"
    Set scratch = Workbooks.Add
    RunPython "import xl_addin.buttons as b; b.run('selftest')"
    result = CStr(scratch.Worksheets("自检").Range("A1").Value)
    If Left$(result, 20) <> "zhenggai selftest OK" Then GoTo Broken
    scratch.Close SaveChanges:=False
    Set scratch = Nothing
    done = done & Passed("Python 找到了工作簿并写入了一格")

    stage = "message"
    MsgBox "自检通过：" & vbCrLf & done, vbInformation, Title()
    Exit Sub

Broken:
    detail = Err.Description
    On Error Resume Next
    If Not scratch Is Nothing Then scratch.Close SaveChanges:=False
    MsgBox done & "[X] " & Explain(stage, detail, rc, python, result), vbCritical, Title()
End Sub

Private Function Explain(ByVal stage As String, ByVal detail As String, ByVal rc As Long, _
        ByVal python As String, ByVal result As String) As String
    ' The broken link in words, with its fix and the README section that covers it.
    Dim s As String
    Select Case stage
        Case "scripting"
            s = "无法创建 Windows 脚本宿主（WScript.Shell）：被杀毒软件或单位策略禁止。" & vbCrLf & _
                "加载项要靠它启动 Python。请联系信息部门，或改用命令行 zhenggai。" & vbCrLf & _
                "见 README 常见问题“杀毒软件拦截”。"
        Case "child_process"
            s = "Excel 不能启动其他程序（cmd.exe）。多半是 Microsoft Defender 的攻击面减少（ASR）规则" & vbCrLf & _
                "“阻止所有 Office 应用程序创建子进程”（D4F940AB-401B-4EFC-AADC-AD5F3C50688A）：" & vbCrLf & _
                "事件查看器中 Windows Defender/Operational 日志有事件 1121（已阻止）或 1122（审核）。" & vbCrLf & _
                "请信息部门设置例外，或改用不用宏的 Office.js 加载项（zhenggai serve）、命令行 zhenggai。" & vbCrLf & _
                "见 README 常见问题“ASR 规则拦截”。"
        Case "interpreter"
            s = "找不到 Python：没有配置解释器，PATH 中也没有 python.exe；或配置的解释器已不存在。" & vbCrLf & _
                "请在装有 zhenggai 的 Python 中运行 zhenggai addin install。" & vbCrLf & _
                "见 README 常见问题“找不到 Python”。"
        Case "python_runs"
            s = "Python 无法运行（" & python & "，返回 " & rc & "）。" & vbCrLf & _
                "PATH 中的 python 可能是 Windows 应用商店的占位程序，或被杀毒软件拦截：" & vbCrLf & _
                "请从 python.org 安装 Python 后运行 zhenggai addin install。" & vbCrLf & _
                "见 README 常见问题“找不到 Python”。"
        Case "import"
            s = "Python 能运行，但载入 zhenggai 失败：没有装在这个 Python 中，或文件被杀毒软件隔离。" & vbCrLf & _
                "请运行 pip install --force-reinstall zhenggai，再运行 zhenggai addin selftest 查看原因。" & vbCrLf & _
                "见 README 常见问题“杀毒软件拦截”。"
        Case "book_caller"
            If Left$(result, 22) = "zhenggai selftest FAIL" Then
                s = "Python 已连上 Excel，但发现了问题，见上一个提示框和新工作簿中的“自检”表。"
            Else
                s = "Python 没有把结果写回 Excel（" & detail & "）。xlwings 的错误窗口里有原因；" & vbCrLf & _
                    "请在命令行运行 zhenggai addin selftest。见 README 常见问题“按钮没有反应”。"
            End If
        Case Else
            s = "第 " & stage & " 步出错：" & detail
    End Select
    Explain = s
End Function
