"""E-mail for distribution: bilingual messages built with EmailMessage, sent over smtplib.

Sending is the only part of distribution that can half-succeed, so this module keeps the
failure modes apart: a refused recipient fails that recipient, a dropped connection is
retried (same bytes, same Message-ID) on a fresh connection with backoff, and only a
problem no retry can fix (bad login, TLS refused, server unreachable) stops the batch.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import smtplib
import socket
import ssl
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from pipeline.errors import ConfigError, FatalTransportError
from pipeline.validation.formats import is_email

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SECURITY_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


# --- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # ssl | starttls | none
    from_addr: str
    from_name: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    ca_file: str = ""

    @property
    def domain(self) -> str:
        return self.from_addr.rpartition("@")[2] or "vendorflow.local"

    def where(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


def sender_from_env(environ: Mapping[str, str]) -> tuple[str, str]:
    """(display name, address) of VENDORFLOW_SMTP_FROM, or ("", "") when unset; also used by dry runs."""
    env = environ
    name, addr = parseaddr(env.get("VENDORFLOW_SMTP_FROM", "").strip())
    return name, addr


def smtp_settings(environ: Mapping[str, str]) -> SmtpSettings:
    """The server from VENDORFLOW_SMTP_* (the settings' snapshot of the environment); anything
    missing or inconsistent stops the run before sending."""
    env = environ
    problems: list[str] = []
    host = env.get("VENDORFLOW_SMTP_HOST", "").strip()
    if not host:
        problems.append("VENDORFLOW_SMTP_HOST 未设置（邮件服务器地址）/ is not set (the mail server's host name)")
    security = env.get("VENDORFLOW_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SECURITY_PORTS:
        problems.append(
            f"VENDORFLOW_SMTP_SECURITY={security!r} 无效，应为 ssl、starttls 或 none / must be ssl, starttls or none"
        )
        security = "starttls"
    port_text = env.get("VENDORFLOW_SMTP_PORT", "").strip()
    port = SECURITY_PORTS[security]
    if port_text:
        if port_text.isdigit() and 0 < int(port_text) < 65536:
            port = int(port_text)
        else:
            problems.append(f"VENDORFLOW_SMTP_PORT={port_text!r} 不是有效端口 / is not a valid port")
    name, addr = sender_from_env(env)
    user = env.get("VENDORFLOW_SMTP_USER", "").strip()
    if not addr and is_email(user):
        addr = user
    if not is_email(addr):
        problems.append(
            "VENDORFLOW_SMTP_FROM 未设置或不是有效的邮箱地址（如 供应商管理部 <vmo@example.com>）/ "
            "is not set or not a valid address (e.g. Vendor Office <vmo@example.com>)"
        )
    password = env.get("VENDORFLOW_SMTP_PASSWORD", "")
    if user and security == "none" and host not in _LOOPBACK:
        problems.append(
            "VENDORFLOW_SMTP_SECURITY=none 时不能登录：密码将以明文传输，请使用 ssl 或 starttls / "
            "will not log in without encryption (the password would cross the network in clear): use ssl or starttls"
        )
    timeout_text = env.get("VENDORFLOW_SMTP_TIMEOUT", "30").strip() or "30"
    try:
        timeout = float(timeout_text)
    except ValueError:
        problems.append(f"VENDORFLOW_SMTP_TIMEOUT={timeout_text!r} 不是秒数 / is not a number of seconds")
        timeout = 30.0
    ca_file = env.get("VENDORFLOW_SMTP_CA_FILE", "").strip()
    if ca_file and not os.path.isfile(ca_file):
        problems.append(f"VENDORFLOW_SMTP_CA_FILE 指向的文件不存在 / does not exist: {ca_file}")
    if problems:
        raise ConfigError(
            "邮件发送设置不完整或有误",
            "the mail (SMTP) settings are incomplete or wrong",
            file="VENDORFLOW_SMTP_*",
            details=problems,
        )
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        from_addr=addr,
        from_name=name,
        user=user,
        password=password,
        timeout=timeout,
        ca_file=ca_file,
    )


# --- messages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One attached document as the letter names it."""

    title_zh: str
    title_en: str
    filename: str
    sha256: str
    mark: str = ""  # "" | corrected (replaces an earlier version) | added (after an earlier message)
    part: int = 0  # in a split, the message that carries it


@dataclass(frozen=True)
class Letter:
    """What a message says, as plain data: the subject and body are functions of it."""

    audience: str  # supplier | internal
    period_zh: str  # 2026年10月
    period_en: str  # October 2026
    sender_short_zh: str  # 华东智造集团
    org_zh: str
    org_en: str
    dept_zh: str
    dept_en: str
    items: tuple[Item, ...]
    recipient_id: str = ""
    recipient_zh: str = ""
    recipient_en: str = ""
    contact_name: str = ""
    zip_name: str = ""
    part: int = 1
    parts: int = 1
    elsewhere: tuple[Item, ...] = ()  # documents travelling in the other messages of a split
    resend: bool = False
    actions: tuple[tuple[str, str], ...] = ()  # notices that ask the supplier to act: (zh, en) titles


MARK_WORDS = {"corrected": ("更正", "corrected"), "added": ("补发", "additional")}


def subject(letter: Letter) -> str:
    marks = {i.mark for i in letter.items}
    prefix = (
        "更正 Correction："
        if "corrected" in marks
        else "补发 Additional："
        if "added" in marks
        else "重发 Resent："
        if letter.resend
        else ""
    )
    if letter.audience == "internal":
        core = (
            f"【{letter.sender_short_zh}】{letter.period_zh}供应商绩效汇总 / "
            f"Supplier portfolio summary, {letter.period_en}"
        )
    else:
        core = (
            f"【{letter.sender_short_zh}】{letter.period_zh}供应商绩效评估与结算文件 / "
            f"Supplier review and settlement documents, {letter.period_en} — {letter.recipient_id}"
        )
    return prefix + core + (f" ({letter.part}/{letter.parts})" if letter.parts > 1 else "")


def _listing(items: Sequence[Item], lang: str) -> list[str]:
    lines = []
    for n, item in enumerate(items, start=1):
        zh, en = MARK_WORDS.get(item.mark, ("", ""))
        if lang == "zh":
            lines.append(f"  {n}. {item.title_zh}　{item.filename}" + (f"（{zh}）" if zh else ""))
        else:
            lines.append(f"  {n}. {item.title_en}  {item.filename}" + (f" ({en})" if en else ""))
    return lines


def body(letter: Letter) -> str:
    """Chinese first, then English, then the checksums a careful reader can verify."""
    marks = {i.mark for i in letter.items}
    n = len(letter.items)
    zh: list[str] = []
    en: list[str] = []
    if letter.audience == "internal":
        zh += [
            "各位同事：",
            "",
            f"现发送{letter.period_zh}供应商绩效汇总（内部资料，请勿外传），附件共{n}份：",
            *_listing(letter.items, "zh"),
        ]
        en += [
            "Dear colleagues,",
            "",
            f"Attached is the supplier portfolio summary for {letter.period_en} (internal: do not forward "
            f"outside the company), {n} document{'s' if n > 1 else ''}:",
            *_listing(letter.items, "en"),
        ]
    else:
        zh += [
            f"{letter.contact_name}，您好：" if letter.contact_name else "您好：",
            "",
            f"现将{letter.recipient_zh}{letter.period_zh}的供应商绩效评估与结算文件发送给贵司，请查收附件（共{n}份）：",
            *_listing(letter.items, "zh"),
        ]
        en += [
            f"Dear {letter.contact_name}," if letter.contact_name else "Dear Sir or Madam,",
            "",
            f"Please find attached the supplier review and settlement documents of {letter.recipient_en or letter.recipient_zh} "
            f"for {letter.period_en} ({n} document{'s' if n > 1 else ''}):",
            *_listing(letter.items, "en"),
        ]
    zh.append("")
    en.append("")
    if "corrected" in marks:
        zh.append("标注“更正”的文件替代此前发送的版本，请以本邮件所附版本为准，此前版本作废。")
        en.append(
            'Documents marked "corrected" replace the versions sent earlier: please use the attached ones; the earlier versions are void.'
        )
    if "added" in marks:
        zh.append("标注“补发”的文件是在此前邮件发出后新增的文件。")
        en.append('Documents marked "additional" were added after the earlier message.')
    if letter.resend:
        zh.append("应要求重新发送，内容与此前发送的文件相同。")
        en.append("Sent again on request; the documents are the same as those sent before.")
    if letter.zip_name:
        zh.append(f"因邮件大小限制，以上文件已压缩为附件 {letter.zip_name}，请解压后查阅。")
        en.append(f"Because of the message size limit the documents are attached zipped as {letter.zip_name}.")
    if letter.parts > 1:
        zh.append(f"因邮件大小限制，文件分{letter.parts}封邮件发送，本邮件为第{letter.part}封。")
        en.append(
            f"Because of the message size limit the documents come in {letter.parts} messages; this is message {letter.part}."
        )
        if letter.elsewhere:
            zh.append("其余文件：" + "；".join(f"{i.title_zh} {i.filename}（第{i.part}封）" for i in letter.elsewhere))
            en.append(
                "The others: " + "; ".join(f"{i.title_en} {i.filename} (message {i.part})" for i in letter.elsewhere)
            )
    if letter.actions:
        zh.append(f"附件含{'、'.join(z for z, _ in letter.actions)}，请按文件要求在规定期限内办理并书面回复。")
        en.append(
            f"The attachments include the {', '.join(e.lower() for _, e in letter.actions)}: please act on "
            f"{'it' if len(letter.actions) == 1 else 'them'} and reply in writing by the dates stated."
        )
    if letter.audience == "internal":
        zh.append("各供应商的评估报告、结算单及通知已由系统分别发送给各供应商本身。")
        en.append(
            "Each supplier's review report, settlement statement and notices are sent to that supplier only, separately."
        )
    else:
        zh += [
            "请核对评估结果及结算单所列金额；如有疑问或异议，请直接回复本邮件。",
            "本邮件及附件仅发送给贵司指定联系人，内容保密，请勿转发第三方。",
        ]
        en += [
            "Please check the review results and the amounts in the settlement statement; for any question or "
            "objection, simply reply to this e-mail.",
            "This e-mail and its attachments are confidential and meant only for your company's designated "
            "contacts; please do not forward them to third parties.",
        ]
    zh += ["", f"{letter.org_zh}　{letter.dept_zh}".strip("　"), "（本邮件由系统自动发送）"]
    en += ["", letter.dept_en, letter.org_en, "(sent automatically)"]
    checks = ["附件校验值 Attachment checksums (SHA-256):"] + [f"  {i.filename}  {i.sha256}" for i in letter.items]
    rule = "-" * 60
    return "\n".join([*zh, "", rule, "", *[line for line in en if line is not None], "", rule, *checks]) + "\n"


def address(addr: str, name: str = "") -> Address:
    """A display name comes from a spreadsheet cell: folded to one line, so it can never add a header."""
    local, _, domain = addr.partition("@")
    return Address(display_name=" ".join((name or "").split()), username=local, domain=domain)


def message_id(domain: str, *parts: str) -> str:
    """Deterministic: the same period, recipient and documents give the same id, so a
    retry after a dropped connection is recognisably the same message, never a second one."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(
    *,
    subject: str,
    from_addr: str,
    from_name: str,
    to: Sequence[tuple[str, str]],
    cc: Sequence[tuple[str, str]],
    body: str,
    attachments: Sequence[tuple[str, bytes]],
    msg_id: str,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """No Date header: it is stamped when the message is actually sent, so a dry run's .eml
    files are byte-for-byte reproducible."""
    msg = EmailMessage(policy=email_policy.SMTP)
    msg["Subject"] = subject
    msg["From"] = address(from_addr, from_name)
    msg["To"] = [address(a, n) for a, n in to]
    if cc:
        msg["Cc"] = [address(a, n) for a, n in cc]
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body, subtype="plain", charset="utf-8", cte="base64")
    msg["Content-Language"] = "zh-CN, en"  # after set_content, which clears Content-* headers
    for filename, data in attachments:
        ctype, _ = mimetypes.guess_type(filename)
        ctype = ctype or _OFFICE_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if msg.is_multipart():  # a fixed boundary: same message, same bytes
        msg.set_boundary("=_vf_" + hashlib.sha256(msg_id.encode("utf-8")).hexdigest()[:24])
    return msg


_OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def message_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=email_policy.SMTP)


def attachments_of(msg: EmailMessage) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every attachment, a zip's members listed as members."""
    out = []
    for part in msg.iter_attachments():
        name, data = part.get_filename() or "", part.get_payload(decode=True) or b""
        if name.lower().endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out.extend((f"{name}/{i.filename}", z.read(i.filename)) for i in z.infolist() if not i.is_dir())
        else:
            out.append((name, data))
    return out


def zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    """Same members, same bytes: fixed times and attributes, in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            z.writestr(info, data)
    return buffer.getvalue()


# --- sending -------------------------------------------------------------------------------


@dataclass
class SendResult:
    delivered: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # address -> server's answer
    error: str = ""  # the whole message failed: why
    attempts: int = 0
    uncertain: bool = False  # the whole message went, the server's answer never came

    @property
    def status(self) -> str:
        if self.uncertain:
            return "uncertain"
        if self.delivered and not self.refused and not self.error:
            return "sent"
        if self.delivered:
            return "partial"
        return "failed"


class _Uncertain(Exception):
    """The message was sent to the end (the final ".") and the connection failed before the
    server answered: it may have been stored. Resending it could deliver it twice."""


def _transact(smtp: smtplib.SMTP, sender: str, recipients: Sequence[str], data: bytes) -> dict:
    """smtplib's sendmail, with the one moment it cannot tell apart marked: a failure after the
    whole message was sent raises _Uncertain; any failure before it is safe to retry."""
    smtp.ehlo_or_helo_if_needed()
    code, resp = smtp.mail(sender, [f"size={len(data)}"] if smtp.has_extn("size") else [])
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, resp, sender)
    refused = {}
    for rcpt in recipients:
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, resp)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, resp = smtp.getreply()
    if code != 354:
        smtp.rset()
        raise smtplib.SMTPDataError(code, resp)
    body = smtplib._quote_periods(data)
    if body[-2:] != smtplib.bCRLF:
        body += smtplib.bCRLF
    smtp.send(body + b"." + smtplib.bCRLF)  # a failure while sending: the server keeps nothing
    try:
        code, resp = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _Uncertain(_describe(exc)) from exc
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPDataError(code, resp)
    return refused


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc,
        (
            smtplib.SMTPServerDisconnected,
            ConnectionError,
            socket.timeout,
            TimeoutError,
            smtplib.SMTPConnectError,
            OSError,
        ),
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"connection dropped by the server ({exc or 'no reply'})"
    return f"{type(exc).__name__}: {exc}"


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()


class SmtpTransport:
    """One connection reused for the batch, reopened when it drops."""

    def __init__(
        self,
        settings: SmtpSettings,
        attempts: int = 3,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings, self.attempts, self.backoff, self.sleep = settings, max(1, attempts), backoff, sleep
        self.smtp: smtplib.SMTP | None = None

    # connection
    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file or None)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._tls_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password)
        except BaseException:
            _close_quietly(smtp)
            raise
        return smtp

    def connect(self) -> None:
        """Open the connection, retrying transient failures; a permanent one is fatal for the batch."""
        last: BaseException | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                self.smtp = self._open()
                return
            except smtplib.SMTPAuthenticationError as exc:
                raise FatalTransportError(
                    f"邮件服务器拒绝登录（用户名或密码错误）/ the mail server refused the login (user name or password): "
                    f"{_describe(exc)}"
                ) from exc
            except (ssl.SSLError, smtplib.SMTPNotSupportedError, ssl.CertificateError) as exc:
                raise FatalTransportError(
                    f"无法建立加密连接（检查 VENDORFLOW_SMTP_SECURITY、端口和证书）/ cannot establish the encrypted "
                    f"connection (check VENDORFLOW_SMTP_SECURITY, the port and the certificate): {_describe(exc)}"
                ) from exc
            except Exception as exc:  # noqa: BLE001 - socket and protocol errors alike
                last = exc
                if not _transient(exc):
                    break
                if attempt < self.attempts:
                    self.sleep(self.backoff * 2 ** (attempt - 1))
        raise FatalTransportError(
            f"无法连接邮件服务器 {self.settings.where()} / cannot connect to the mail server "
            f"{self.settings.where()}: {_describe(last) if last else 'unknown error'}"
        )

    @property
    def max_size(self) -> int | None:
        """The server's own limit (ESMTP SIZE), when it announces one."""
        if self.smtp is None:
            return None
        size = self.smtp.esmtp_features.get("size", "").strip()
        return int(size) if size.isdigit() and int(size) > 0 else None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:  # noqa: BLE001 - closing a connection that is already gone
                _close_quietly(self.smtp)
            self.smtp = None

    # sending
    def send(self, data: bytes, envelope: Sequence[str]) -> SendResult:
        """Deliver one message to `envelope`, retrying the recipients still pending after a
        temporary failure. Raises FatalTransportError only when the server cannot be reached."""
        result = SendResult()
        pending = list(envelope)
        for attempt in range(1, self.attempts + 1):
            result.attempts = attempt
            retry_later: list[str] = []
            try:
                if self.smtp is None:
                    self.connect()
                refused = _transact(self.smtp, self.settings.from_addr, pending, data)
                for addr in pending:
                    if addr in refused:
                        code, text = refused[addr]
                        if 400 <= code < 500:
                            retry_later.append(addr)
                        result.refused[addr] = _answer(code, text)
                    else:
                        result.delivered.append(addr)
                        result.refused.pop(addr, None)
                result.error = ""
            except smtplib.SMTPRecipientsRefused as exc:
                for addr, (code, text) in exc.recipients.items():
                    result.refused[addr] = _answer(code, text)
                    if 400 <= code < 500:
                        retry_later.append(addr)
                self._reset()
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPHeloError) as exc:
                result.error = _describe(exc)
                if exc.smtp_code == 552:
                    result.error += (
                        "；邮件超过服务器的大小限制，请调小 distribution.max_message_mb / "
                        "the message is over the server's size limit: lower distribution.max_message_mb"
                    )
                self._reset()
                if not _transient(exc):
                    return result
                retry_later = pending
            except _Uncertain as exc:
                # sent whole, no answer: never resent automatically (it would arrive twice)
                result.uncertain, result.error = True, f"no answer after the message was sent ({exc})"
                _close_quietly(self.smtp)
                self.smtp = None
                return result
            except FatalTransportError:
                raise
            except (smtplib.SMTPException, OSError) as exc:
                # dropped before the whole message was sent: the server kept nothing, so it is
                # sent again on a new connection, with the same Message-ID
                result.error = _describe(exc)
                _close_quietly(self.smtp)
                self.smtp = None
                retry_later = pending
            if not retry_later:
                return result
            pending = retry_later
            if attempt < self.attempts:
                self.sleep(self.backoff * 2 ** (attempt - 1))
        return result

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            _close_quietly(self.smtp)
            self.smtp = None


def _close_quietly(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.close()
    except Exception:  # noqa: BLE001
        pass


def stamp_date(msg: EmailMessage) -> bytes:
    """The message as sent: with a Date header of the moment it goes out."""
    if "Date" not in msg:
        msg["Date"] = formatdate(localtime=True)
    return message_bytes(msg)
