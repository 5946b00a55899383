"""Owner portal pages (phone first): login by SMS code, logout, 我的房屋.

Thin: form → service → message → redirect; every row comes through owners.selectors."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.client_ip import client_ip

from . import selectors, sessions
from .exceptions import LoginRefused, WrongCode
from .forms import CodeForm, MobileForm
from .services import request_code, verify_code

PENDING_KEY = "owners.pending_mobile"
NEXT_KEY = "owners.next"


def _safe_next(request, url: str) -> str:
    if (
        url
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and url.startswith("/owner/")
    ):
        return url
    return ""


def login(request):
    """Step 1: the mobile number. The answer is the same whether it belongs to an owner."""
    if request.user.is_authenticated:
        return render(request, "owners/staff_refused.html", status=403)
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            request_code(mobile=mobile, ip=client_ip(request))
        except LoginRefused as exc:
            form.add_error(None, exc.message)
        else:
            request.session[PENDING_KEY] = mobile
            request.session[NEXT_KEY] = _safe_next(request, request.POST.get("next", ""))
            messages.info(
                request, _("如该号码已登记为业主或租户，验证码已通过短信发送，5 分钟内有效。")
            )
            return redirect("owners:login_verify")
    return render(
        request,
        "owners/login.html",
        {"form": form, "next": _safe_next(request, request.GET.get("next", ""))},
    )


def login_verify(request):
    """Step 2: the code. Success starts an owner session (a new session key)."""
    if request.user.is_authenticated:
        return render(request, "owners/staff_refused.html", status=403)
    mobile = request.session.get(PENDING_KEY)
    if not mobile:
        return redirect("owners:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verify_code(mobile=mobile, code=form.cleaned_data["code"], ip=client_ip(request))
        except WrongCode as exc:
            form.add_error("code", exc.message)
        except LoginRefused as exc:
            form.add_error(None, exc.message)
        else:
            owner = selectors.load_owner(mobile)
            next_url = request.session.get(NEXT_KEY) or ""
            sessions.log_in(request, owner)
            return redirect(next_url or "owners:home")
    return render(request, "owners/verify.html", {"form": form, "mobile": mobile})


@require_POST
def logout(request):
    if not request.user.is_authenticated:
        sessions.log_out(request)
    return redirect("owners:login")


@sessions.owner_view
def home(request):
    """我的房屋: the owner's units with handover state and their service contacts."""
    cards = selectors.unit_cards(request.owner)
    return render(request, "owners/home.html", {"cards": cards, "nav": "home"})


@sessions.owner_view
def unit_detail(request, pk):
    cards = selectors.unit_cards(request.owner, unit_id=pk)
    if not cards:
        raise Http404  # another owner's unit, or none
    (card,) = cards
    from .selectors_cases import unit_sharing

    return render(
        request,
        "owners/unit_detail.html",
        {"card": card, "nav": "home", "sharing": unit_sharing(request.owner, pk)},
    )
