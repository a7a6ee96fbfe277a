"""Write the sample data set of the drop folder ``inputs/`` (deterministic, no randomness).

    /tmp/venv/bin/python tools/make_sample_data.py [--out DIR]

Writes suppliers.xlsx, contracts.xlsx, evaluations_2026-07/08/09/10.xlsx, incidents.xlsx,
work_volume_2026-07/08/09/10.xlsx, surveys_2026-10.xlsx, inspections.xlsx and improvement_plans.xlsx:
16 suppliers of the buyer 华东智造集团有限公司, their contracts and service items, four
months of evaluations (July, a quiet month with no incidents, completes the third quarter
for the quarterly review) and the incident log of August-October 2026. Before writing, the
script recomputes every supplier's monthly score with the rules of inputs/policy.yaml and
asserts that the data tells the story below (it refuses to write otherwise).

Story (scores recomputed by this script with policy.yaml, version 1):

| supplier | what happens | Jul | Aug | Sep | Oct |
|---|---|---|---|---|---|
| S001 | 劳务外包: steady excellent; one low complaint in September only | 96.73 A | 96.43 A | 96.39 A | 99.29 A |
| S002 | 劳务派遣: solid; dispatch permit expires 2026-12-20, contract ends 2026-12-31 | 82.76 B | 82.76 B | 85.92 B | 84.15 B |
| S003 | IT服务: slides A → B → C → D as deliveries slip (1 day Sep; 3 + 5 days Oct); Oct satisfaction N/A | 94.37 A | 83.44 B | 66.93 C | 46.56 D |
| S004 | IT服务, access 机密, NDA signed: critical data breach + critical compliance in Oct; penalties 70,000 > cap 10% of 224,000 | 87.49 B | 87.49 B | 86.14 B | 39.27 D |
| S005 | 后勤物业: repeated 质量缺陷 (low Aug, medium Sep, high + low Oct) | 84.19 B | 82.87 B | 73.35 C | 64.25 C |
| S006 | 物流: high-severity warehouse security incident in Sep, otherwise good | 86.18 B | 86.18 B | 81.30 B | 85.47 B |
| S007 | 劳务外包: excellent; priced per unit of work, no 月服务费, ends 2027-01-31 | 95.87 A | 95.87 A | 97.18 A | 97.97 A |
| S008 | 劳务派遣: excellent | 97.11 A | 97.11 A | 93.95 A | 95.72 A |
| S009 | 后勤物业 (canteen): complaints high in Sep, medium in Oct | 86.97 B | 86.97 B | 82.31 B | 83.66 B |
| S010 | 物流: excellent; contract renewed 2026-10-16 at a higher price (partial month) | 96.51 A | 96.51 A | 98.12 A | 95.98 A |
| S011 | IT服务, access 绝密: fixed-price contract; medium defect Aug, low security Sep | 88.21 B | 85.50 B | 88.92 B | 88.17 B |
| S012 | 其他 (translation), access 机密, no NDA on file; medium security incident Aug | 87.61 B | 86.89 B | 88.96 B | 86.22 B |
| S013 | 劳务外包, 考察期: critical complaint Aug, critical defect + compliance Sep, high compliance Oct | 68.35 C | 63.65 C | 61.80 C | 63.90 C |
| S014 | 劳务派遣: good; low compliance issue in Aug; Sep wages paid 2 days late (liquidated damages 2 × 500.00 from the management fee) | 86.82 B | 84.32 B | 87.53 B | 85.22 B |
| S015 | 物流: late deliveries (1 day Aug, 8 days Sep, 5 days Oct), high complaint Oct; business licence expires 2027-01-10 | 84.12 B | 82.73 B | 62.83 C | 63.69 C |
| S016 | 其他, 候选 candidate: no contract, never evaluated | — | — | — | — |

Further things the data set exercises:
* S002's 劳务派遣许可证 expires 2026-12-20, and its contract ends 2026-12-31 (renewal risk).
* S007's contract ends 2027-01-31 and S002's 2026-12-31: "contract ends within 90 days".
* S001's and S007's contracts (劳务外包) have no 月服务费: they are priced on results, per accepted
  unit of work (S001 per wire harness and per inspected batch; S007 per carton and per pallet,
  plus a fixed supervision fee), settled on work_volume_YYYY-MM.xlsx; S007's October pallet
  transfers are not yet accepted (pending acceptance). S013's 劳务外包 contract still prices its
  work per head (人数 × 单价): the disguised-dispatch risk the review report flags.
* S011's contract is a fixed-price (包干) contract: its items add up to 349,000.00 but the
  monthly fee is 365,000.00 (includes 7×24 on-call and the monitoring platform).
* S010's contract HT-2025-LG-010 ended 2026-10-15 and was renewed at a higher price by
  HT-2026-LG-010 from 2026-10-16: October is a partial month for both contracts.
* S012 (translation, 数据访问级别 机密) has no 保密协议 on file and had a medium security
  incident in August (missing-NDA risk flag).
* S015's 营业执照 expires 2027-01-10 (licence expiring within 90 days).
* S016 is a 候选 (candidate) supplier: no contract, never evaluated.
* S003's October evaluation has 满意度 blank and only two survey responses (fewer than
  surveys.min_responses 3): N/A, weights re-normalised. S005's October 满意度 is blank too: the KPI
  is its ten survey responses' mean weighted by department (3.40, as the evaluator used to type).
* Follow-up (surveys_2026-10.xlsx, inspections.xlsx, improvement_plans.xlsx): October surveys for
  every evaluated supplier but S004; S009's canteen passed on conditions in September (its plan done
  in time), S006 passed in October, S005 failed its October inspection (a high flag and a reason of
  its improvement notice); S013 never answers its improvement notices of August and September
  (improvement_plan_missing in September and October, escalated), S003's plan for its September
  warning is overdue in October, S005's and S015's September warnings are answered and closed, and
  S005's October improvement notice is answered by a plan due in November.
* compliance_issues / complaints of every evaluation equal the number of 合规问题 / 投诉
  incidents of that supplier in that month in incidents.xlsx.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import zipfile
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline.identifiers import is_valid_uscc, uscc_check_char  # noqa: E402

FIXED_TIME = dt.datetime(2026, 11, 1, 0, 0, 0)
CREATOR = "供应商管理部"
PERIODS = ("2026-07", "2026-08", "2026-09", "2026-10")
DATE_FMT = "yyyy-mm-dd"
PCT_FMT = "0.0%"

# ----------------------------------------------------------------------------------------
# Suppliers
# ----------------------------------------------------------------------------------------

SUPPLIER_HEADERS = [
    ("supplier_id", "供应商编号"),
    ("name_zh", "供应商名称"),
    ("name_en", "英文名称"),
    ("uscc", "统一社会信用代码"),
    ("category", "供应商类别"),
    ("legal_rep", "法定代表人"),
    ("address_zh", "地址"),
    ("address_en", "英文地址"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("contact_email", "电子邮箱"),
    ("bank_name", "开户银行"),
    ("bank_account", "银行账号"),
    ("license_expiry", "营业执照有效期"),
    ("dispatch_permit_no", "劳务派遣许可证编号"),
    ("dispatch_permit_expiry", "劳务派遣许可证有效期"),
    ("certifications", "资质认证"),
    ("nda_signed_date", "保密协议签署日期"),
    ("data_access_level", "数据访问级别"),
    ("status", "状态"),
]


def org_code(body8: str) -> str:
    """A 9-character organisation code: 8 characters + the GB 11714 check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def uscc(region: str, body8: str) -> str:
    """'91' (enterprise, company) + 6-digit region code + organisation code + check char."""
    first17 = "91" + region + org_code(body8)
    return first17 + uscc_check_char(first17)


# region codes: 310115 浦东新区, 320505 苏州虎丘区, 330108 杭州滨江区, 320114 南京雨花台区,
# 330212 宁波鄞州区, 310112 闵行区, 340104 合肥蜀山区, 320214 无锡新吴区, 310104 徐汇区,
# 370211 青岛黄岛区, 440305 深圳南山区, 510107 成都武侯区, 420106 武汉武昌区,
# 310106 静安区, 440111 广州白云区, 310110 杨浦区.
# Organisation codes: 8 digits for companies registered before 2015, MA… after.
SUPPLIERS = [
    dict(
        supplier_id="S001",
        name_zh="上海锦程人力资源服务有限公司",
        name_en="Shanghai Jincheng Human Resources Services Co., Ltd.",
        uscc=uscc("310115", "MA1H7K3U"),
        category="劳务外包",
        legal_rep="周建国",
        address_zh="上海市浦东新区张江路665号3幢501室",
        address_en="Room 501, Building 3, No. 665 Zhangjiang Road, Pudong New Area, Shanghai",
        contact_name="孙丽华",
        contact_phone="13816472259",
        contact_email="sunlihua@jinchenghr.com.cn",
        bank_name="招商银行上海张江支行",
        bank_account="121912345610801",
        license_expiry="长期",
        certifications="ISO 9001; ISO 45001",
        nda_signed_date=dt.date(2024, 3, 18),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S002",
        name_zh="苏州恒信人力资源有限公司",
        name_en="Suzhou Hengxin Human Resources Co., Ltd.",
        uscc=uscc("320505", "56178302"),
        category="劳务派遣",
        legal_rep="顾永平",
        address_zh="江苏省苏州市高新区狮山路88号金狮大厦12层",
        address_en="12F, Jinshi Building, No. 88 Shishan Road, Suzhou New District, Suzhou, Jiangsu",
        contact_name="钱晓燕",
        contact_phone="15962188734",
        contact_email="qianxy@hengxin-hr.cn",
        bank_name="中国工商银行苏州高新技术产业开发区支行",
        bank_account="1102020109000123456",
        license_expiry=dt.date(2035, 6, 7),
        dispatch_permit_no="苏人社派许字第0456号",
        dispatch_permit_expiry=dt.date(2026, 12, 20),
        certifications="ISO 9001",
        nda_signed_date=dt.date(2025, 1, 6),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S003",
        name_zh="杭州云帆信息技术有限公司",
        name_en="Hangzhou Yunfan Information Technology Co., Ltd.",
        uscc=uscc("330108", "MA27WK4L"),
        category="IT服务",
        legal_rep="林志强",
        address_zh="浙江省杭州市滨江区网商路599号4号楼8层",
        address_en="8F, Building 4, No. 599 Wangshang Road, Binjiang District, Hangzhou, Zhejiang",
        contact_name="陈立",
        contact_phone="13957136620",
        contact_email="chenli@yunfantech.com",
        bank_name="中国建设银行杭州高新支行",
        bank_account="33050161672700001234",
        license_expiry="长期",
        certifications="ISO 9001; ISO 27001; CMMI 3",
        nda_signed_date=dt.date(2025, 2, 20),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S004",
        name_zh="南京数衡数据科技有限公司",
        name_en="Nanjing Shuheng Data Technology Co., Ltd.",
        uscc=uscc("320114", "MA1MY8EC"),
        category="IT服务",
        legal_rep="吴海峰",
        address_zh="江苏省南京市雨花台区软件大道109号B座6层",
        address_en="6F, Block B, No. 109 Software Avenue, Yuhuatai District, Nanjing, Jiangsu",
        contact_name="赵明轩",
        contact_phone="18951736408",
        contact_email="zhaomx@shuhengdata.com",
        bank_name="交通银行南京雨花支行",
        bank_account="320006658018010012345",
        license_expiry="长期",
        certifications="ISO 9001; ISO 27001; ISO 27701",
        nda_signed_date=dt.date(2025, 4, 1),
        data_access_level="机密",
        status="合格",
    ),
    dict(
        supplier_id="S005",
        name_zh="宁波安居物业服务有限公司",
        name_en="Ningbo Anju Property Services Co., Ltd.",
        uscc=uscc("330212", "68420917"),
        category="后勤物业",
        legal_rep="何国庆",
        address_zh="浙江省宁波市鄞州区天童南路588号宁波商会国贸中心A座15层",
        address_en="15F, Tower A, Ningbo Chamber of Commerce International Trade Center, "
        "No. 588 Tiantong South Road, Yinzhou District, Ningbo, Zhejiang",
        contact_name="邵美玲",
        contact_phone="13705748812",
        contact_email="shaoml@anjuwy.com",
        bank_name="宁波银行鄞州支行",
        bank_account="51010122000456789",
        license_expiry=dt.date(2038, 9, 30),
        certifications="ISO 9001; ISO 14001; ISO 45001",
        nda_signed_date=dt.date(2025, 6, 15),
        data_access_level="无",
        status="合格",
    ),
    dict(
        supplier_id="S006",
        name_zh="上海顺达供应链管理有限公司",
        name_en="Shanghai Shunda Supply Chain Management Co., Ltd.",
        uscc=uscc("310112", "59316624"),
        category="物流",
        legal_rep="黄卫东",
        address_zh="上海市闵行区申长路988弄2号楼",
        address_en="Building 2, Lane 988 Shenchang Road, Minhang District, Shanghai",
        contact_name="蒋文斌",
        contact_phone="13761950327",
        contact_email="jiangwb@shundascm.com",
        bank_name="上海浦东发展银行闵行支行",
        bank_account="98420078801234567",
        license_expiry="长期",
        certifications="ISO 9001; ISO 28000",
        nda_signed_date=dt.date(2025, 3, 10),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S007",
        name_zh="合肥皖联企业管理服务有限公司",
        name_en="Hefei Wanlian Enterprise Management Services Co., Ltd.",
        uscc=uscc("340104", "MA2NCT7F"),
        category="劳务外包",
        legal_rep="汪德明",
        address_zh="安徽省合肥市蜀山区长江西路689号金座B座1106室",
        address_en="Room 1106, Tower B, Jinzuo Building, No. 689 Changjiang West Road, Shushan District, Hefei, Anhui",
        contact_name="方静",
        contact_phone="15856923147",
        contact_email="fangjing@wanlianfw.com",
        bank_name="徽商银行合肥蜀山支行",
        bank_account="1021801021000345678",
        license_expiry="长期",
        certifications="ISO 9001; ISO 45001",
        nda_signed_date=dt.date(2025, 7, 1),
        data_access_level="无",
        status="合格",
    ),
    dict(
        supplier_id="S008",
        name_zh="无锡锡才人力资源服务有限公司",
        name_en="Wuxi Xicai Human Resources Services Co., Ltd.",
        uscc=uscc("320214", "57813590"),
        category="劳务派遣",
        legal_rep="华建新",
        address_zh="江苏省无锡市新吴区长江路21号信息产业园C栋5楼",
        address_en="5F, Building C, Information Industry Park, No. 21 Changjiang Road, Xinwu District, Wuxi, Jiangsu",
        contact_name="过晓梅",
        contact_phone="13951578264",
        contact_email="guoxm@xicaihr.com",
        bank_name="江苏银行无锡新区支行",
        bank_account="21710188000123456",
        license_expiry="长期",
        dispatch_permit_no="苏人社派许字第0318号",
        dispatch_permit_expiry=dt.date(2028, 3, 14),
        certifications="ISO 9001",
        nda_signed_date=dt.date(2025, 1, 20),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S009",
        name_zh="上海禾丰餐饮管理有限公司",
        name_en="Shanghai Hefeng Catering Management Co., Ltd.",
        uscc=uscc("310104", "60728143"),
        category="后勤物业",
        legal_rep="陆志芳",
        address_zh="上海市徐汇区漕宝路1243号4楼",
        address_en="4F, No. 1243 Caobao Road, Xuhui District, Shanghai",
        contact_name="沈佳琪",
        contact_phone="13621785049",
        contact_email="shenjq@hefengcatering.com",
        bank_name="上海银行徐汇支行",
        bank_account="31658803001234567",
        license_expiry="长期",
        certifications="ISO 9001; ISO 22000; HACCP",
        nda_signed_date=dt.date(2025, 5, 12),
        data_access_level="无",
        status="合格",
    ),
    dict(
        supplier_id="S010",
        name_zh="青岛海运通物流有限公司",
        name_en="Qingdao Haiyuntong Logistics Co., Ltd.",
        uscc=uscc("370211", "MA3C5R8N"),
        category="物流",
        legal_rep="王立新",
        address_zh="山东省青岛市黄岛区长江中路228号",
        address_en="No. 228 Changjiang Middle Road, Huangdao District, Qingdao, Shandong",
        contact_name="刘海涛",
        contact_phone="18661802375",
        contact_email="liuht@haiyuntong.com",
        bank_name="青岛银行黄岛支行",
        bank_account="802880200123456",
        license_expiry=dt.date(2040, 12, 31),
        certifications="ISO 9001; ISO 14001",
        nda_signed_date=dt.date(2025, 10, 10),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S011",
        name_zh="深圳智联创新科技有限公司",
        name_en="Shenzhen Zhilian Innovation Technology Co., Ltd.",
        uscc=uscc("440305", "MA5DKW2H"),
        category="IT服务",
        legal_rep="郑嘉豪",
        address_zh="广东省深圳市南山区粤海街道科技南十二路18号长虹科技大厦20层",
        address_en="20F, Changhong Technology Building, No. 18 Keji South 12th Road, Yuehai Subdistrict, "
        "Nanshan District, Shenzhen, Guangdong",
        contact_name="梁晓彤",
        contact_phone="13590284761",
        contact_email="liangxt@zhilian-tech.com",
        bank_name="中国银行深圳科技园支行",
        bank_account="745871234567",
        license_expiry="长期",
        certifications="ISO 9001; ISO 27001; ISO 20000-1",
        nda_signed_date=dt.date(2025, 8, 8),
        data_access_level="绝密",
        status="合格",
    ),
    dict(
        supplier_id="S012",
        name_zh="成都译通语言服务有限公司",
        name_en="Chengdu Yitong Language Services Co., Ltd.",
        uscc=uscc("510107", "MA6CQ1B4"),
        category="其他",
        legal_rep="杨雪梅",
        address_zh="四川省成都市武侯区天府大道北段1700号环球中心W6区12层",
        address_en="12F, Zone W6, Global Center, No. 1700 North Section of Tianfu Avenue, Wuhou District, "
        "Chengdu, Sichuan",
        contact_name="罗婷",
        contact_phone="18982157306",
        contact_email="luoting@yitongls.com",
        bank_name="成都银行武侯支行",
        bank_account="1001300000123456",
        license_expiry="长期",
        certifications="ISO 17100",
        nda_signed_date=None,
        data_access_level="机密",
        status="合格",
    ),
    dict(
        supplier_id="S013",
        name_zh="武汉楚才劳务服务有限公司",
        name_en="Wuhan Chucai Labour Services Co., Ltd.",
        uscc=uscc("420106", "MA4KP6TX"),
        category="劳务外包",
        legal_rep="熊志刚",
        address_zh="湖北省武汉市武昌区中北路108号",
        address_en="No. 108 Zhongbei Road, Wuchang District, Wuhan, Hubei",
        contact_name="胡小兵",
        contact_phone="13871425690",
        contact_email="huxb@chucailw.com",
        bank_name="汉口银行武昌支行",
        bank_account="0061010500123456",
        license_expiry=dt.date(2031, 4, 22),
        certifications="ISO 9001",
        nda_signed_date=dt.date(2026, 6, 20),
        data_access_level="无",
        status="考察期",
    ),
    dict(
        supplier_id="S014",
        name_zh="上海申才人力资源有限公司",
        name_en="Shanghai Shencai Human Resources Co., Ltd.",
        uscc=uscc("310106", "63042187"),
        category="劳务派遣",
        legal_rep="朱敏华",
        address_zh="上海市静安区江场路1228弄3号楼6层",
        address_en="6F, Building 3, Lane 1228 Jiangchang Road, Jing'an District, Shanghai",
        contact_name="施雯",
        contact_phone="13917462583",
        contact_email="shiwen@shencaihr.com",
        bank_name="中国农业银行上海静安支行",
        bank_account="03345600040012345",
        license_expiry="长期",
        dispatch_permit_no="沪人社派许字第0123号",
        dispatch_permit_expiry=dt.date(2029, 6, 30),
        certifications="ISO 9001",
        nda_signed_date=dt.date(2025, 2, 28),
        data_access_level="内部",
        status="合格",
    ),
    dict(
        supplier_id="S015",
        name_zh="广州穗捷运输有限公司",
        name_en="Guangzhou Suijie Transport Co., Ltd.",
        uscc=uscc("440111", "55390218"),
        category="物流",
        legal_rep="李志明",
        address_zh="广东省广州市白云区太和镇广从五路228号",
        address_en="No. 228 Guangcong 5th Road, Taihe Town, Baiyun District, Guangzhou, Guangdong",
        contact_name="邓国华",
        contact_phone="13802596314",
        contact_email="denggh@suijie56.com",
        bank_name="广州农村商业银行白云支行",
        bank_account="05871000012345678",
        license_expiry=dt.date(2027, 1, 10),
        certifications="ISO 9001",
        nda_signed_date=dt.date(2025, 9, 1),
        data_access_level="无",
        status="合格",
    ),
    dict(
        supplier_id="S016",
        name_zh="上海知行企业培训咨询有限公司",
        name_en="Shanghai Zhixing Corporate Training & Consulting Co., Ltd.",
        uscc=uscc("310110", "MA1FL2QW"),
        category="其他",
        legal_rep="许文博",
        address_zh="上海市杨浦区国定路335号2号楼1203室",
        address_en="Room 1203, Building 2, No. 335 Guoding Road, Yangpu District, Shanghai",
        contact_name="唐悦",
        contact_phone="17721486093",
        contact_email="tangyue@zhixingtc.com",
        bank_name="中信银行上海五角场支行",
        bank_account="8110201012345678901",
        license_expiry="长期",
        certifications="ISO 9001; ISO 21001",
        nda_signed_date=None,
        data_access_level="无",
        status="候选",
    ),
]

# ----------------------------------------------------------------------------------------
# Contracts and service items
# ----------------------------------------------------------------------------------------

CONTRACT_HEADERS = [
    ("contract_no", "合同编号"),
    ("supplier_id", "供应商编号"),
    ("contract_type", "合同类型"),
    ("start_date", "开始日期"),
    ("end_date", "结束日期"),
    ("sign_date", "签订日期"),
    ("monthly_fee", "月服务费"),
    ("currency", "币种"),
    ("tax_rate", "税率"),
    ("payment_days", "付款期限(天)"),
    ("penalty_cap_pct", "违约金上限(%)"),
    ("dispute_venue", "争议解决地"),
    ("language_precedence", "优先语言"),
]
ITEM_HEADERS = [
    ("contract_no", "合同编号"),
    ("item_code", "项目编码"),
    ("role_zh", "岗位名称"),
    ("role_en", "英文岗位名称"),
    ("pricing", "计价方式"),
    ("unit_zh", "计量单位"),
    ("unit_en", "英文计量单位"),
    ("headcount", "人数"),
    ("unit_price", "单价"),
    ("wage", "工资标准"),
    ("social_insurance", "社保公积金"),
    ("management_fee", "管理费"),
    ("post_nature", "岗位性质"),
    ("work_place", "工作地点"),
    ("work_place_en", "英文工作地点"),
    ("dispatch_months", "派遣期限(月)"),
]
# 劳务外包 is priced on results (DESIGN.md): S001 and S007 per accepted unit of work (and a
# fixed supervision fee), settled on work_volume_YYYY-MM.xlsx; S013's contract still prices
# its work per head, the disguised-dispatch risk (假外包、真派遣) the review flags.
# (contract_no, role_zh) -> item_code, pricing, unit_zh, unit_en, the roster's role
RESULT_ITEMS = {
    ("HT-2026-LO-001", "线束总成装配"): ("A01", "按量计价", "件", "piece", "装配工"),
    ("HT-2026-LO-001", "成品检验"): ("A02", "按量计价", "批", "batch", "质检员"),
    ("HT-2026-LO-007", "包装作业"): ("B01", "按量计价", "箱", "carton", "包装工"),
    ("HT-2026-LO-007", "叉车转运"): ("B02", "按量计价", "托", "pallet", "叉车司机"),
    ("HT-2026-LO-007", "现场管理服务"): ("B03", "固定费用", None, None, "班组长"),
    ("HT-2026-LO-013", "装配工"): ("C01", "按人月", None, None, "装配工"),
    ("HT-2026-LO-013", "质检员"): ("C02", "按人月", None, None, "质检员"),
}
# accepted work of each month: (contract_no, item_code) -> {period: (submitted, accepted)};
# S007's pallet transfers of October are not yet accepted (pending acceptance, flagged).
WORK_VOLUME = {
    ("HT-2026-LO-001", "A01"): {
        "2026-07": (41800, 41650),
        "2026-08": (42300, 42100),
        "2026-09": (40900, 40020),
        "2026-10": (36500, 36380),
    },
    ("HT-2026-LO-001", "A02"): {
        "2026-07": (252, 250),
        "2026-08": (248, 248),
        "2026-09": (246, 243),
        "2026-10": (205, 204),
    },
    ("HT-2026-LO-007", "B01"): {
        "2026-07": (78000, 77600),
        "2026-08": (80200, 79900),
        "2026-09": (76500, 76100),
        "2026-10": (64800, 64500),
    },
    ("HT-2026-LO-007", "B02"): {"2026-07": (4700, 4700), "2026-08": (4850, 4850), "2026-09": (4600, 4590)},
}
ACCEPTED_BY = {"HT-2026-LO-001": "王建华（总装车间）", "HT-2026-LO-007": "孙丽（物流部）"}
VOLUME_NOTES = {("HT-2026-LO-001", "A01", "2026-09"): "880件扭矩检测不合格，返工后计入10月"}
PLANT = (
    "甲方总装车间（上海市闵行区剑川路951号）",
    "Party A's assembly plant, No. 951 Jianchuan Road, Minhang, Shanghai",
)
OFFICE = (
    "甲方行政中心（上海市闵行区剑川路951号）",
    "Party A's administration centre, No. 951 Jianchuan Road, Shanghai",
)
# 劳务派遣 posts: nature (劳务派遣暂行规定 §3), place and dispatch period in months
DISPATCH_POSTS = {
    ("HT-2026-LD-002", "普工"): ("辅助性", PLANT, 12),
    ("HT-2026-LD-002", "仓库管理员"): ("辅助性", PLANT, 12),
    ("HT-2026-LD-008", "操作工"): ("辅助性", PLANT, 24),
    ("HT-2026-LD-008", "物料员"): ("临时性", PLANT, 6),
    ("HT-2026-LD-014", "客服专员"): ("辅助性", OFFICE, 24),
    ("HT-2026-LD-014", "行政助理"): ("替代性", OFFICE, 10),
}
# 劳务派遣 posts priced in components (per head per month), adding up to the unit price: the
# workers' pay and social insurance are left out of the VAT base (差额征税, 财税〔2016〕47号).
DISPATCH_COMPONENTS = {
    ("HT-2026-LD-002", "普工"): ("4600.00", "1380.55", "300.00"),
    ("HT-2026-LD-002", "仓库管理员"): ("4300.00", "1312.50", "300.00"),
    ("HT-2026-LD-008", "操作工"): ("5100.00", "1530.00", "320.00"),
    ("HT-2026-LD-008", "物料员"): ("4600.00", "1380.00", "320.00"),
    ("HT-2026-LD-014", "客服专员"): ("5300.00", "1590.00", "310.00"),
    ("HT-2026-LD-014", "行政助理"): ("5050.00", "1540.00", "310.00"),
}

COURT = "上海市闵行区人民法院"
ARBITRATION = "上海国际仲裁中心"
FEE_FROM_ITEMS = "items"  # monthly_fee = Σ headcount × unit_price (written as the figure)
FEE_BLANK = "blank"  # monthly_fee left blank: the fee comes from the items

# (contract_no, supplier, type, start, end, sign, fee, tax, pay days, cap %, venue, items)
# items: (role_zh, role_en, headcount, unit_price)
CONTRACTS = [
    (
        "HT-2026-LO-001",
        "S001",
        "劳务外包",
        (2026, 1, 1),
        (2027, 12, 31),
        (2025, 12, 20),
        FEE_BLANK,
        "0.06",
        30,
        10,
        COURT,
        [("线束总成装配", "Wire-harness assembly", 20, "3.60"), ("成品检验", "Finished-goods inspection", 5, "160.00")],
    ),
    (
        "HT-2026-LD-002",
        "S002",
        "劳务派遣",
        (2026, 1, 1),
        (2026, 12, 31),
        (2025, 12, 22),
        FEE_FROM_ITEMS,
        "0.05",
        30,
        15,
        COURT,
        [("普工", "Production worker", 10, "6280.55"), ("仓库管理员", "Warehouse keeper", 4, "5912.50")],
    ),
    (
        "HT-2026-IT-003",
        "S003",
        "外包服务",
        (2026, 3, 1),
        (2027, 2, 28),
        (2026, 2, 16),
        FEE_FROM_ITEMS,
        "0.06",
        45,
        10,
        ARBITRATION,
        [
            ("高级开发工程师", "Senior software engineer", 6, "35000.00"),
            ("开发工程师", "Software engineer", 10, "26000.00"),
            ("测试工程师", "Test engineer", 4, "18500.00"),
            ("项目经理", "Project manager", 1, "26000.00"),
        ],
    ),
    (
        "HT-2026-IT-004",
        "S004",
        "外包服务",
        (2026, 4, 1),
        (2027, 3, 31),
        (2026, 3, 20),
        FEE_FROM_ITEMS,
        "0.06",
        45,
        10,
        ARBITRATION,
        [
            ("数据工程师", "Data engineer", 3, "32000.00"),
            ("运维工程师", "Operations engineer", 4, "22500.00"),
            ("项目经理", "Project manager", 1, "38000.00"),
        ],
    ),
    (
        "HT-2026-FM-005",
        "S005",
        "外包服务",
        (2026, 1, 1),
        (2027, 12, 31),
        (2025, 12, 18),
        FEE_FROM_ITEMS,
        "0.06",
        30,
        10,
        COURT,
        [
            ("保洁员", "Cleaner", 18, "4850.00"),
            ("保安员", "Security guard", 8, "5320.00"),
            ("物业主管", "Property supervisor", 1, "9800.00"),
        ],
    ),
    (
        "HT-2026-LG-006",
        "S006",
        "外包服务",
        (2025, 7, 1),
        (2027, 6, 30),
        (2025, 6, 18),
        FEE_FROM_ITEMS,
        "0.09",
        60,
        15,
        COURT,
        [
            ("货车司机", "Truck driver", 8, "9600.00"),
            ("仓储操作员", "Warehouse operator", 12, "6450.80"),
            ("调度员", "Dispatcher", 2, "8200.00"),
        ],
    ),
    (
        "HT-2026-LO-007",
        "S007",
        "劳务外包",
        (2026, 2, 1),
        (2027, 1, 31),
        (2026, 1, 20),
        FEE_BLANK,
        "0.06",
        30,
        10,
        COURT,
        [
            ("包装作业", "Packing", 15, "1.85"),
            ("叉车转运", "Forklift transfer", 4, "6.50"),
            ("现场管理服务", "On-site supervision", 2, "18400.00"),
        ],
    ),
    (
        "HT-2026-LD-008",
        "S008",
        "劳务派遣",
        (2026, 1, 1),
        (2027, 12, 31),
        (2025, 12, 25),
        FEE_FROM_ITEMS,
        "0.05",
        30,
        15,
        COURT,
        [("操作工", "Machine operator", 12, "6950.00"), ("物料员", "Material handler", 3, "6300.00")],
    ),
    (
        "HT-2026-FM-009",
        "S009",
        "外包服务",
        (2026, 1, 1),
        (2027, 12, 31),
        (2025, 12, 26),
        FEE_FROM_ITEMS,
        "0.06",
        30,
        10,
        COURT,
        [
            ("厨师", "Chef", 6, "9500.00"),
            ("帮厨", "Kitchen assistant", 10, "5600.00"),
            ("营养配餐员", "Nutrition planner", 1, "8000.00"),
            ("食材包干", "Catering ingredients (lump sum)", 1, "137000.00"),
        ],
    ),
    (
        "HT-2025-LG-010",
        "S010",
        "外包服务",
        (2025, 10, 16),
        (2026, 10, 15),
        (2025, 10, 10),
        FEE_FROM_ITEMS,
        "0.09",
        30,
        10,
        COURT,
        [
            ("货车司机", "Truck driver", 10, "9200.00"),
            ("装卸工", "Loader", 6, "5850.00"),
            ("调度员", "Dispatcher", 1, "7800.00"),
        ],
    ),
    (
        "HT-2026-LG-010",
        "S010",
        "外包服务",
        (2026, 10, 16),
        (2027, 10, 15),
        (2026, 10, 9),
        FEE_FROM_ITEMS,
        "0.09",
        30,
        10,
        COURT,
        [
            ("货车司机", "Truck driver", 10, "9500.00"),
            ("装卸工", "Loader", 6, "6050.00"),
            ("调度员", "Dispatcher", 1, "8100.00"),
        ],
    ),
    (
        "HT-2026-IT-011",
        "S011",
        "外包服务",
        (2026, 1, 1),
        (2027, 6, 30),
        (2025, 12, 15),
        "365000.00",
        "0.06",
        45,
        15,
        ARBITRATION,
        [
            ("高级运维工程师", "Senior operations engineer", 4, "36000.00"),
            ("数据库管理员", "Database administrator", 2, "38000.00"),
            ("安全工程师", "Security engineer", 2, "42000.00"),
            ("服务经理", "Service manager", 1, "45000.00"),
        ],
    ),
    (
        "HT-2026-OT-012",
        "S012",
        "外包服务",
        (2026, 5, 1),
        (2027, 4, 30),
        (2026, 4, 22),
        FEE_FROM_ITEMS,
        "0.06",
        30,
        20,
        COURT,
        [
            ("笔译", "Translator", 3, "14500.00"),
            ("口译", "Interpreter", 1, "18800.00"),
            ("审校", "Reviser", 1, "16200.50"),
        ],
    ),
    (
        "HT-2026-LO-013",
        "S013",
        "劳务外包",
        (2026, 7, 1),
        (2027, 6, 30),
        (2026, 6, 24),
        FEE_FROM_ITEMS,
        "0.06",
        30,
        20,
        COURT,
        [("装配工", "Assembly operator", 25, "6900.00"), ("质检员", "Quality inspector", 5, "7400.00")],
    ),
    (
        "HT-2026-LD-014",
        "S014",
        "劳务派遣",
        (2026, 1, 1),
        (2027, 12, 31),
        (2025, 12, 23),
        FEE_FROM_ITEMS,
        "0.05",
        30,
        15,
        COURT,
        [
            ("客服专员", "Customer service representative", 8, "7200.00"),
            ("行政助理", "Administrative assistant", 2, "6900.00"),
        ],
    ),
    (
        "HT-2026-LG-015",
        "S015",
        "外包服务",
        (2026, 3, 1),
        (2027, 2, 28),
        (2026, 2, 20),
        FEE_FROM_ITEMS,
        "0.09",
        60,
        15,
        COURT,
        [("货车司机", "Truck driver", 6, "9000.00"), ("押运员", "Cargo escort", 3, "6500.00")],
    ),
]


def items_total(items) -> D:
    """Σ headcount × unit price of items priced per head (the others have no fixed monthly sum)."""
    return sum((D(str(h)) * D(p) for _, _, h, p in items), D("0"))


def worker_role(contract_no: str, role_zh: str) -> str:
    """The role the roster gives the people working on an item."""
    extra = RESULT_ITEMS.get((contract_no, role_zh))
    return extra[4] if extra else role_zh


def contract_fee(c) -> D:
    """The monthly fee the pipeline should use for contract ``c``."""
    fee = c[6]
    return items_total(c[11]) if fee in (FEE_FROM_ITEMS, FEE_BLANK) else D(fee)


# ----------------------------------------------------------------------------------------
# Incidents (the log of August-October 2026)
# ----------------------------------------------------------------------------------------

INCIDENT_HEADERS = [
    ("incident_id", "事件编号"),
    ("supplier_id", "供应商编号"),
    ("date", "日期"),
    ("type", "事件类型"),
    ("severity", "严重程度"),
    ("days_late", "延误天数"),
    ("dispatch_breach", "派遣违约情形"),
    ("description", "描述"),
]

# the dispatch agreement's own breaches (劳务派遣协议第4.3条), charged at its dispatch_damages rates
DISPATCH_BREACH = {("S014", (2026, 10, 31)): "工资逾期"}

# (supplier, date, type, severity, days_late, description); ids are numbered per month.
INCIDENTS = [
    (
        "S012",
        (2026, 8, 7),
        "安全事件",
        "中",
        None,
        "译员将含客户信息的技术资料误发至外部邮箱，已要求对方删除并出具书面确认。",
    ),
    ("S005", (2026, 8, 12), "质量缺陷", "低", None, "行政楼3层卫生间未按规定频次保洁，巡检发现地面积水。"),
    ("S013", (2026, 8, 18), "投诉", "严重", None, "30余名外包人员集体反映7月加班费未足额发放，到厂区行政楼反映情况。"),
    ("S014", (2026, 8, 21), "合规问题", "低", None, "派遣员工考勤台账未按月报送用工部门。"),
    ("S015", (2026, 8, 26), "延期交付", "低", 1, "华南仓至广州工厂的原材料运输迟到1天。"),
    ("S011", (2026, 8, 29), "质量缺陷", "中", None, "ERP月结批处理脚本缺陷导致财务报表延迟生成，已修复。"),
    ("S001", (2026, 9, 3), "投诉", "低", None, "车间主管反映个别外包人员交接班记录填写不规范。"),
    ("S005", (2026, 9, 9), "质量缺陷", "中", None, "会议中心地毯清洗后留有水渍，影响外宾接待。"),
    ("S011", (2026, 9, 11), "安全事件", "低", None, "渗透测试发现测试环境一处弱口令，已于当日整改。"),
    ("S003", (2026, 9, 15), "延期交付", "低", 1, "供应商门户V1.8版本延期1天上线。"),
    (
        "S013",
        (2026, 9, 17),
        "质量缺陷",
        "严重",
        None,
        "外包装配工未按作业指导书紧固螺栓，导致整批产品返工，报废损失约12万元。",
    ),
    ("S015", (2026, 9, 22), "延期交付", "严重", 8, "干线车辆故障后未及时调配备用车，原料延误8天，产线停线半天。"),
    ("S013", (2026, 9, 24), "合规问题", "中", None, "9月新入职8名外包人员未在30日内办理社会保险参保。"),
    ("S006", (2026, 9, 27), "安全事件", "高", None, "成品仓门禁系统故障期间，未登记的外来人员进入仓储区域。"),
    ("S009", (2026, 9, 28), "投诉", "高", None, "员工食堂午餐中发现异物，多名员工投诉。"),
    ("S005", (2026, 10, 10), "质量缺陷", "高", None, "生产车间洁净区保洁不达标，产品抽检颗粒物超标，需停线二次清洁。"),
    ("S003", (2026, 10, 12), "延期交付", "中", 3, "订单管理系统V2.3版本延期3天上线。"),
    (
        "S004",
        (2026, 10, 14),
        "安全事件",
        "严重",
        None,
        "供应商运维人员将含约2万条客户记录的生产数据库备份下载至未授权的个人设备。",
    ),
    (
        "S004",
        (2026, 10, 14),
        "合规问题",
        "严重",
        None,
        "上述数据导出未经审批且未按保密协议及时报告，违反甲方数据安全管理制度。",
    ),
    ("S005", (2026, 10, 20), "质量缺陷", "低", None, "办公区生活垃圾未按时清运，连续两天被投诉。"),
    ("S015", (2026, 10, 21), "延期交付", "高", 5, "旺季运力不足，发往客户的成品延误5天送达。"),
    ("S003", (2026, 10, 23), "延期交付", "高", 5, "数据中台接口改造延期5天交付，影响财务月结。"),
    ("S003", (2026, 10, 25), "投诉", "低", None, "业务部门投诉IT工单响应慢。"),
    ("S013", (2026, 10, 27), "合规问题", "高", None, "抽查发现3名外包人员未签订劳动合同即上岗。"),
    ("S009", (2026, 10, 29), "投诉", "中", None, "夜班餐供应不足，多名员工投诉。"),
    ("S015", (2026, 10, 30), "投诉", "高", None, "运输途中包装破损，客户投诉收到的成品外箱受损。"),
    (
        "S014",
        (2026, 10, 31),
        "合规问题",
        "低",
        2,
        "月末核查发现：派遣员工9月工资约定于10月25日前足额发放，乙方于10月27日才发放，逾期2天。",
    ),
]


def incident_rows():
    """Incidents with their ids INC-YYMM-NNN (numbered per month in date order)."""
    rows, counter = [], {}
    for sup, date, typ, sev, days, desc in sorted(INCIDENTS, key=lambda r: (r[1], r[0])):
        ym = f"{date[0] % 100:02d}{date[1]:02d}"
        counter[ym] = counter.get(ym, 0) + 1
        rows.append(
            dict(
                incident_id=f"INC-{ym}-{counter[ym]:03d}",
                supplier_id=sup,
                date=dt.date(*date),
                type=typ,
                severity=sev,
                days_late=days,
                dispatch_breach=DISPATCH_BREACH.get((sup, date)),
                description=desc,
            )
        )
    return rows


def incident_count(supplier: str, period: str, typ: str) -> int:
    return sum(1 for s, d, t, *_ in INCIDENTS if s == supplier and t == typ and f"{d[0]}-{d[1]:02d}" == period)


# ----------------------------------------------------------------------------------------
# Evaluations
# ----------------------------------------------------------------------------------------

EVAL_HEADERS = [
    ("supplier_id", "供应商编号"),
    ("period", "考核期间"),
    ("quality_score", "服务质量得分"),
    ("on_time_rate", "按时交付率"),
    ("cost_variance_pct", "成本偏差(%)"),
    ("satisfaction", "满意度"),
    ("compliance_issues", "合规问题数"),
    ("complaints", "投诉次数"),
    ("training_hours", "培训时长"),
    ("turnover_rate", "人员流失率"),
    ("evaluator", "评估人"),
    ("comment", "备注"),
]

EVALUATOR = {
    "IT服务": "王敏",
    "劳务外包": "李娜",
    "劳务派遣": "李娜",
    "物流": "张伟",
    "后勤物业": "刘洋",
    "其他": "陈静",
}

# supplier -> period -> (quality, on_time, cost_var_pct, satisfaction or None, training h, turnover, comment)
# compliance_issues and complaints are not listed: they are counted from INCIDENTS.
EVALUATIONS = {
    "S001": {
        "2026-07": (93, 0.97, 0.3, 4.5, 30, 0.020, "人员稳定，装配质量良好。"),
        "2026-08": (93, 0.97, 0.5, 4.5, 32, 0.020, "人员到岗及时，产线装配质量稳定。"),
        "2026-09": (94, 0.98, 0.2, 4.4, 28, 0.018, "整体表现优秀，交接班记录问题已当周整改。"),
        "2026-10": (94, 0.98, -0.5, 4.6, 30, 0.015, "连续三个月保持优秀，建议续签时给予优先考虑。"),
    },
    "S002": {
        "2026-07": (86, 0.94, 1.5, 4.0, 18, 0.050, "派遣人员到岗基本及时。"),
        "2026-08": (86, 0.94, 1.5, 4.0, 20, 0.050, "派遣人员基本满足用工需求，个别岗位补员较慢。"),
        "2026-09": (87, 0.95, 1.2, 4.1, 18, 0.045, "表现平稳，已提醒其劳务派遣许可证将于12月到期。"),
        "2026-10": (86, 0.95, 1.5, 4.0, 16, 0.048, "服务正常；许可证续期材料尚未提交，需跟进。"),
    },
    "S003": {
        "2026-07": (92, 0.97, 1.0, 4.4, 24, 0.030, "需求交付按计划完成，代码质量良好。"),
        "2026-08": (88, 0.94, 2.0, 4.0, 24, 0.030, "需求交付基本按计划完成，个别需求评审延迟。"),
        "2026-09": (80, 0.90, 3.5, 3.5, 16, 0.060, "供应商门户版本延期1天，核心开发人员流失，交付质量下滑。"),
        "2026-10": (
            70,
            0.85,
            5.0,
            None,
            8,
            0.090,
            "10月两次版本延期上线，缺陷率上升，需限期整改；本月满意度调查未开展。",
        ),
    },
    "S004": {
        "2026-07": (89, 0.95, 1.5, 4.2, 20, 0.020, "数据平台运维稳定，报表按时交付。"),
        "2026-08": (89, 0.95, 1.5, 4.2, 20, 0.020, "数据平台运维稳定，月度报表按时交付。"),
        "2026-09": (89, 0.95, 2.0, 4.1, 18, 0.025, "运行平稳，个别变更未提前报备。"),
        "2026-10": (64, 0.88, 6.0, 2.3, 6, 0.040, "10月14日发生严重数据安全事件，已暂停其生产环境访问权限并启动调查。"),
    },
    "S005": {
        "2026-07": (85, 0.95, 1.0, 4.0, 12, 0.070, "保洁安保服务正常。"),
        "2026-08": (84, 0.95, 1.0, 3.9, 12, 0.080, "保洁安保服务总体正常，卫生间保洁频次需加强。"),
        "2026-09": (80, 0.93, 2.0, 3.5, 10, 0.090, "连续两个月出现保洁质量问题，已约谈项目经理。"),
        "2026-10": (75, 0.90, 2.5, None, 10, 0.100, "洁净区保洁不达标导致停线，质量缺陷反复出现；满意度取自本月调查。"),
    },
    "S006": {
        "2026-07": (88, 0.95, 1.5, 4.1, 14, 0.040, "运输及仓储作业正常。"),
        "2026-08": (88, 0.95, 1.5, 4.1, 14, 0.040, "干线运输及仓储作业正常。"),
        "2026-09": (85, 0.94, 2.0, 4.0, 14, 0.050, "仓库门禁事件暴露现场管理漏洞，已要求整改。"),
        "2026-10": (87, 0.95, 1.5, 4.1, 20, 0.040, "门禁整改完成，运输时效稳定。"),
    },
    "S007": {
        "2026-07": (92, 0.97, 0.0, 4.4, 26, 0.030, "包装线人员稳定，产出达标。"),
        "2026-08": (92, 0.97, 0.0, 4.4, 26, 0.030, "包装线人员稳定，产出达标。"),
        "2026-09": (93, 0.97, -0.5, 4.5, 24, 0.025, "旺季加班安排合理，无质量问题。"),
        "2026-10": (93, 0.98, 0.0, 4.4, 24, 0.028, "服务优秀；合同将于2027年1月到期，请启动续签评估。"),
    },
    "S008": {
        "2026-07": (92, 0.98, 0.5, 4.5, 22, 0.030, "派遣人员技能达标。"),
        "2026-08": (92, 0.98, 0.5, 4.5, 22, 0.030, "派遣人员技能达标，补员及时。"),
        "2026-09": (91, 0.97, 0.8, 4.4, 20, 0.035, "表现优秀。"),
        "2026-10": (92, 0.97, 0.5, 4.5, 22, 0.030, "连续三个月表现优秀。"),
    },
    "S009": {
        "2026-07": (88, 0.96, 1.5, 4.0, 10, 0.060, "菜品质量稳定。"),
        "2026-08": (88, 0.96, 1.5, 4.0, 10, 0.060, "菜品质量稳定，员工反馈良好。"),
        "2026-09": (87, 0.96, 2.0, 3.8, 12, 0.070, "午餐异物投诉已调查处理，加强了后厨检查。"),
        "2026-10": (87, 0.96, 1.5, 3.9, 12, 0.060, "夜班餐供应不足，需按排班人数备餐。"),
    },
    "S010": {
        "2026-07": (92, 0.98, 0.5, 4.4, 16, 0.020, "短驳运输准时。"),
        "2026-08": (92, 0.98, 0.5, 4.4, 16, 0.020, "港口至工厂短驳运输准时率高。"),
        "2026-09": (93, 0.98, 0.3, 4.5, 16, 0.020, "表现优秀。"),
        "2026-10": (93, 0.97, 0.8, 4.5, 18, 0.020, "10月16日起执行新合同，价格上调3.3%，服务无中断。"),
    },
    "S011": {
        "2026-07": (87, 0.96, 1.0, 4.2, 30, 0.030, "系统运维稳定。"),
        "2026-08": (86, 0.95, 1.0, 4.1, 30, 0.030, "ERP月结脚本缺陷已修复，需加强发布前测试。"),
        "2026-09": (88, 0.96, 1.0, 4.2, 28, 0.030, "测试环境弱口令当日整改，运维服务稳定。"),
        "2026-10": (88, 0.96, 1.5, 4.2, 26, 0.030, "系统可用性达标，服务良好。"),
    },
    "S012": {
        "2026-07": (87, 0.96, 1.0, 4.1, 8, 0.050, "译稿按时交付。"),
        "2026-08": (86, 0.96, 1.0, 4.1, 8, 0.050, "译稿质量良好；发生一起资料误发事件，须尽快签署保密协议。"),
        "2026-09": (87, 0.96, 0.5, 4.2, 8, 0.040, "译稿按时交付，保密协议仍在法务审核中。"),
        "2026-10": (87, 0.95, 1.0, 4.1, 6, 0.050, "服务良好，但保密协议至今未签署。"),
    },
    "S013": {
        "2026-07": (79, 0.91, 3.0, 3.5, 10, 0.130, "人员到岗率偏低，现场管理待加强。"),
        "2026-08": (78, 0.90, 3.0, 3.4, 12, 0.150, "考察期首月，人员到岗率偏低，发生加班费集体投诉。"),
        "2026-09": (78, 0.90, 3.5, 3.3, 14, 0.140, "发生严重批次返工，新员工社保参保滞后。"),
        "2026-10": (79, 0.91, 3.5, 3.3, 20, 0.120, "返工问题有所改善，但仍有人员未签劳动合同即上岗。"),
    },
    "S014": {
        "2026-07": (87, 0.95, 1.0, 4.2, 18, 0.040, "客服派遣人员业务熟练。"),
        "2026-08": (87, 0.95, 1.0, 4.2, 18, 0.040, "客服派遣人员业务熟练，考勤台账报送需及时。"),
        "2026-09": (88, 0.95, 1.0, 4.2, 16, 0.040, "表现良好。"),
        "2026-10": (87, 0.95, 0.8, 4.3, 18, 0.035, "表现良好，服务稳定。"),
    },
    "S015": {
        "2026-07": (87, 0.95, 2.0, 4.0, 10, 0.060, "运输时效达标。"),
        "2026-08": (87, 0.94, 2.0, 4.0, 10, 0.060, "运输时效基本达标，偶有迟到。"),
        "2026-09": (79, 0.88, 3.5, 3.4, 8, 0.070, "车辆故障导致原料延误8天，产线停线，应急调度能力不足。"),
        "2026-10": (80, 0.89, 3.0, 3.4, 8, 0.080, "旺季运力不足再次延误，并出现货损投诉。"),
    },
}

# The October grade each supplier is meant to get, and its story (checked by check_story()).
STORY = [
    ("S001", "劳务外包: steady excellent; one low complaint in September only", "AAAA"),
    ("S002", "劳务派遣: solid; dispatch permit expires 2026-12-20, contract ends 2026-12-31", "BBBB"),
    (
        "S003",
        "IT服务: slides A → B → C → D as deliveries slip (1 day Sep; 3 + 5 days Oct); Oct satisfaction N/A",
        "ABCD",
    ),
    (
        "S004",
        "IT服务, access 机密, NDA signed: critical data breach + critical compliance in Oct; "
        "penalties 70,000 > cap 10% of 224,000",
        "BBBD",
    ),
    ("S005", "后勤物业: repeated 质量缺陷 (low Aug, medium Sep, high + low Oct)", "BBCC"),
    ("S006", "物流: high-severity warehouse security incident in Sep, otherwise good", "BBBB"),
    ("S007", "劳务外包: excellent; priced per unit of work, no 月服务费, ends 2027-01-31", "AAAA"),
    ("S008", "劳务派遣: excellent", "AAAA"),
    ("S009", "后勤物业 (canteen): complaints high in Sep, medium in Oct", "BBBB"),
    ("S010", "物流: excellent; contract renewed 2026-10-16 at a higher price (partial month)", "AAAA"),
    ("S011", "IT服务, access 绝密: fixed-price contract; medium defect Aug, low security Sep", "BBBB"),
    ("S012", "其他 (translation), access 机密, no NDA on file; medium security incident Aug", "BBBB"),
    ("S013", "劳务外包, 考察期: critical complaint Aug, critical defect + compliance Sep, high compliance Oct", "CCCC"),
    (
        "S014",
        "劳务派遣: good; low compliance issue in Aug; Sep wages paid 2 days late (liquidated damages 2 × 500.00 from the management fee)",
        "BBBB",
    ),
    (
        "S015",
        "物流: late deliveries (1 day Aug, 8 days Sep, 5 days Oct), high complaint Oct; "
        "business licence expires 2027-01-10",
        "BBCC",
    ),
    ("S016", "其他, 候选 candidate: no contract, never evaluated", "----"),
]

NA_SUPPLIER_OCT = "S003"  # 满意度 blank in 2026-10 and too few survey responses: N/A
SURVEYED_SUPPLIER_OCT = "S005"  # 满意度 blank in 2026-10: the surveys' weighted mean
UNEVALUATED = "S016"  # the candidate never evaluated

# ----------------------------------------------------------------------------------------
# Scoring (the rules of policy.yaml, recomputed here so the story is checked, not guessed)
# ----------------------------------------------------------------------------------------


def load_policy(path: Path = ROOT / "inputs" / "policy.yaml") -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def evaluation_record(sup: str, period: str) -> dict:
    q, ot, cv, sat, train, turn, comment = EVALUATIONS[sup][period]
    if sat is None:  # blank: the KPI is the surveys' mean when enough answered (else N/A)
        sat = survey_mean(sup, period)
    return dict(
        quality_score=q,
        on_time_rate=ot,
        cost_variance_pct=cv,
        satisfaction=sat,
        compliance_issues=incident_count(sup, period, "合规问题"),
        complaints=incident_count(sup, period, "投诉"),
        training_hours=train,
        turnover_rate=turn,
        comment=comment,
    )


def kpi_score(kpi: dict, value) -> float:
    if kpi["method"] == "linear":
        floor, target = float(kpi["floor"]), float(kpi["target"])
        s = (float(value) - floor) / (target - floor) * 100  # works for both directions
        return max(0.0, min(100.0, s))
    if kpi["method"] == "count_deduction":
        return max(0.0, 100.0 - float(kpi["points_per_unit"]) * float(value))
    raise ValueError(kpi["method"])


def weighted_score(policy: dict, record: dict) -> float:
    """Σ of each KPI's weighted score rounded half-up to 0.01, as the review report shows them."""
    applicable = [k for k in policy["kpis"] if record.get(k["field"]) is not None]  # N/A: re-normalised
    den = sum(k["weight"] for k in applicable)
    total = sum(
        (
            D(repr(kpi_score(k, record[k["field"]]) * k["weight"] / den)).quantize(D("0.01"), ROUND_HALF_UP)
            for k in applicable
        ),
        D(0),
    )
    return float(total)


def grade_of(policy: dict, score: float) -> str:
    for band in policy["grades"]:
        if score >= band["min"]:
            return band["grade"]
    raise AssertionError(score)


def penalties(policy: dict, sup: str, period: str) -> tuple[D, D]:
    """(uncapped penalties, cap) for the supplier's contract active at the end of the month."""
    pen = policy["penalties"]
    y, m = map(int, period.split("-"))
    month_end = dt.date(y, m, 28) + dt.timedelta(days=4)
    month_end -= dt.timedelta(days=month_end.day)
    contract = next(c for c in CONTRACTS if c[1] == sup and dt.date(*c[3]) <= month_end <= dt.date(*c[4]))
    fee = contract_fee(contract)
    type_en = {
        "延期交付": "late_delivery",
        "质量缺陷": "quality_defect",
        "安全事件": "security_breach",
        "合规问题": "compliance",
        "投诉": "complaint",
    }
    sev_en = {"低": "low", "中": "medium", "高": "high", "严重": "critical"}
    total = D("0")
    for s, d, typ, sev, days, _ in INCIDENTS:
        if s != sup or f"{d[0]}-{d[1]:02d}" != period:
            continue
        total += D(str(pen["per_incident"][type_en[typ]][sev_en[sev]]))
        if days:
            total += fee * D(str(pen["late_delivery_pct_per_day"])) / 100 * days
    cap_pct = contract[9] if contract[9] is not None else pen["default_cap_pct"]
    return total, fee * D(str(cap_pct)) / 100


def compute_scores(policy: dict) -> dict:
    return {sup: {p: weighted_score(policy, evaluation_record(sup, p)) for p in PERIODS} for sup in EVALUATIONS}


def check_story(policy: dict) -> dict:
    """Assert that the data tells the story of STORY; returns the scores."""
    scores = compute_scores(policy)
    bounds = sorted(b["min"] for b in policy["grades"] if b["min"] > 0)
    for sup, _, grades in STORY:
        if grades == "----":
            assert sup not in EVALUATIONS, sup
            continue
        for period, want in zip(PERIODS, grades):
            s = scores[sup][period]
            got = grade_of(policy, s)
            assert got == want, f"{sup} {period}: score {s:.2f} is grade {got}, the story needs {want}"
            # keep clear of the band limits so that no rounding rule can change the grade
            assert all(abs(s - b) >= 0.5 for b in bounds), f"{sup} {period}: {s:.2f} too close to a band"
    october = {grade_of(policy, scores[s]["2026-10"]) for s in scores}
    assert october >= {"A", "B", "C", "D"}, october
    # S004: the critical October breach costs more than the contract's penalty cap.
    total, cap = penalties(policy, "S004", "2026-10")
    assert total > cap, (total, cap)
    # S001: no penalty-worthy incident except at most one low complaint.
    s001 = [r for r in INCIDENTS if r[0] == "S001"]
    assert len(s001) <= 1 and all(r[2] == "投诉" and r[3] == "低" for r in s001), s001
    # S003: late deliveries in the months it slides.
    assert incident_count("S003", "2026-09", "延期交付") >= 1 and incident_count("S003", "2026-10", "延期交付") >= 1
    # S005: repeated quality defects.
    assert sum(1 for r in INCIDENTS if r[0] == "S005" and r[2] == "质量缺陷") >= 3
    # Every incident type x severity at least once.
    combos = {(r[2], r[3]) for r in INCIDENTS}
    assert len(combos) == 20, sorted(combos)
    # days_late only for late deliveries and a dispatch agency's breach charged per day late.
    assert all((r[4] is not None) == (r[2] == "延期交付" or (r[0], r[1]) in DISPATCH_BREACH) for r in INCIDENTS)
    # Two evaluations with blank satisfaction, in 2026-10: S003's surveys too few (N/A), S005's from surveys.
    blanks = [(s, p) for s in EVALUATIONS for p in PERIODS if EVALUATIONS[s][p][3] is None]
    assert blanks == [(NA_SUPPLIER_OCT, "2026-10"), (SURVEYED_SUPPLIER_OCT, "2026-10")], blanks
    assert survey_mean(NA_SUPPLIER_OCT, "2026-10") is None
    assert survey_mean(SURVEYED_SUPPLIER_OCT, "2026-10") == D("3.40")
    check_follow_up()
    # Suppliers, USCCs, contracts
    assert [s["supplier_id"] for s in SUPPLIERS] == [f"S{i:03d}" for i in range(1, 17)]
    assert all(is_valid_uscc(s["uscc"]) for s in SUPPLIERS)
    assert set(EVALUATIONS) == {s["supplier_id"] for s in SUPPLIERS} - {UNEVALUATED}
    assert next(s for s in SUPPLIERS if s["supplier_id"] == UNEVALUATED)["status"] == "候选"
    assert [c[0] for c in CONTRACTS if c[6] == FEE_BLANK] == ["HT-2026-LO-001", "HT-2026-LO-007"]
    # outsourcing is priced on results except S013's per-head contract (the flagged risk)
    assert all(((c[0], i[0]) in RESULT_ITEMS) == (c[2] == "劳务外包") for c in CONTRACTS for i in c[11])
    assert all(((c[0], i[0]) in DISPATCH_POSTS) == (c[2] == "劳务派遣") for c in CONTRACTS for i in c[11])
    matching = sum(1 for c in CONTRACTS if items_total(c[11]) == contract_fee(c))
    assert matching > len(CONTRACTS) / 2
    for sup in EVALUATIONS:  # a contract covers every day of Aug-Oct for every evaluated supplier
        day = dt.date(2026, 7, 1)
        while day <= dt.date(2026, 10, 31):
            active = [c for c in CONTRACTS if c[1] == sup and dt.date(*c[3]) <= day <= dt.date(*c[4])]
            assert len(active) == 1, (sup, day, active)
            day += dt.timedelta(days=1)
    return scores


def story_table(policy: dict, scores: dict) -> str:
    lines = ["| supplier | what happens | Jul | Aug | Sep | Oct |", "|---|---|---|---|---|---|"]
    for sup, text, _ in STORY:
        cells = []
        for p in PERIODS:
            if sup in scores:
                s = scores[sup][p]
                cells.append(f"{s:.2f} {grade_of(policy, s)}")
            else:
                cells.append("—")
        lines.append(f"| {sup} | {text} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# Writing the workbooks
# ----------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry the same timestamp, so reruns are byte-identical."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            zinfo.compress_type = self.compression
            zinfo.external_attr = 0o600 << 16
            zinfo_or_arcname = zinfo
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as f:
            self.writestr(arcname or os.path.basename(filename), f.read())


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def save(wb: Workbook, path: Path) -> None:
    """Write ``wb`` to ``path`` atomically with fixed timestamps (no openpyxl save_workbook,
    which stamps the current time into docProps/core.xml)."""
    wb.properties.modified = FIXED_TIME
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        archive = _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        ExcelWriter(wb, archive).save()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_table(ws, headers, rows, first_row=1, formats=None, widths=None):
    """Header row at ``first_row``, then one row per record (dict by field name)."""
    formats = formats or {}
    for col, (_, zh) in enumerate(headers, start=1):
        cell = ws.cell(row=first_row, column=col, value=zh)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, record in enumerate(rows, start=first_row + 1):
        for col, (field, _) in enumerate(headers, start=1):
            value = record.get(field)
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FMT
            elif field in formats:
                cell.number_format = formats[field]
            elif isinstance(value, str):
                cell.number_format = "@"
    for col, (field, zh) in enumerate(headers, start=1):
        width = (widths or {}).get(field, max(10, 2 * len(zh) + 2))
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=first_row + 1, column=2)


def write_suppliers(out: Path) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "供应商"
    ws.cell(row=1, column=1, value="供应商名录 Supplier master（截至2026年10月31日）").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SUPPLIER_HEADERS))
    ws.row_dimensions[1].height = 24
    widths = dict(
        name_zh=30,
        name_en=44,
        uscc=22,
        address_zh=40,
        address_en=60,
        contact_email=28,
        bank_name=30,
        bank_account=24,
        license_expiry=14,
        dispatch_permit_no=22,
        dispatch_permit_expiry=16,
        certifications=30,
        nda_signed_date=16,
    )
    write_table(ws, SUPPLIER_HEADERS, SUPPLIERS, first_row=2, widths=widths)
    save(wb, out / "suppliers.xlsx")


def write_contracts(out: Path) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "contracts"
    rows = []
    for no, sup, typ, start, end, sign, fee, tax, pay, cap, venue, _ in CONTRACTS:
        monthly = None if fee == FEE_BLANK else float(contract_fee(CONTRACTS[[c[0] for c in CONTRACTS].index(no)]))
        rows.append(
            dict(
                contract_no=no,
                supplier_id=sup,
                contract_type=typ,
                start_date=dt.date(*start),
                end_date=dt.date(*end),
                sign_date=dt.date(*sign),
                monthly_fee=monthly,
                currency="CNY",
                tax_rate=float(tax),
                payment_days=pay,
                penalty_cap_pct=cap,
                dispute_venue=venue,
                language_precedence="中文",
            )
        )
    write_table(
        ws,
        CONTRACT_HEADERS,
        rows,
        formats=dict(monthly_fee="#,##0.00", tax_rate="0%"),
        widths=dict(contract_no=18, dispute_venue=24, monthly_fee=14),
    )
    items = wb.create_sheet("items")
    item_rows = []
    for c in CONTRACTS:
        for zh, en, h, p in c[11]:
            row = dict(contract_no=c[0], role_zh=zh, role_en=en, headcount=h, unit_price=float(D(p)))
            extra = RESULT_ITEMS.get((c[0], zh))
            if extra:
                code, pricing, unit_zh, unit_en, _ = extra
                row.update(item_code=code, pricing=pricing, unit_zh=unit_zh, unit_en=unit_en)
                if pricing != "按人月":
                    row["headcount"] = None  # priced on results: no headcount in the contract
            post = DISPATCH_POSTS.get((c[0], zh))
            if post:
                nature, (place, place_en), months = post
                row.update(post_nature=nature, work_place=place, work_place_en=place_en, dispatch_months=months)
            parts = DISPATCH_COMPONENTS.get((c[0], zh))
            if parts:
                assert sum(map(D, parts)) == D(p), (c[0], zh)
                row.update(
                    wage=float(D(parts[0])), social_insurance=float(D(parts[1])), management_fee=float(D(parts[2]))
                )
            item_rows.append(row)
    write_table(
        items,
        ITEM_HEADERS,
        item_rows,
        formats=dict(unit_price="#,##0.00", wage="#,##0.00", social_insurance="#,##0.00", management_fee="#,##0.00"),
        widths=dict(
            contract_no=18,
            role_zh=16,
            role_en=32,
            unit_price=14,
            wage=14,
            social_insurance=14,
            management_fee=12,
            work_place=30,
            work_place_en=40,
        ),
    )
    save(wb, out / "contracts.xlsx")


WORK_VOLUME_HEADERS = [
    ("period", "期间"),
    ("contract_no", "合同编号"),
    ("item_code", "项目编码"),
    ("quantity", "提交数量"),
    ("accepted_quantity", "验收合格数量"),
    ("acceptance_date", "验收日期"),
    ("accepted_by", "验收人"),
    ("note", "验收意见"),
]


def write_work_volume(out: Path) -> None:
    """The month's acceptance records of the outsourcing items priced per unit (工作量确认单)."""
    for period in PERIODS:
        year, month = map(int, period.split("-"))
        accepted_on = dt.date(year + month // 12, month % 12 + 1, 3)
        rows = [
            dict(
                period=period,
                contract_no=no,
                item_code=code,
                quantity=months[period][0],
                accepted_quantity=months[period][1],
                acceptance_date=accepted_on,
                accepted_by=ACCEPTED_BY[no],
                note=VOLUME_NOTES.get((no, code, period)),
            )
            for (no, code), months in WORK_VOLUME.items()
            if period in months
        ]
        wb = new_workbook()
        ws = wb.active
        ws.title = "工作量确认"
        write_table(ws, WORK_VOLUME_HEADERS, rows, widths=dict(contract_no=18, accepted_by=20, note=36))
        save(wb, out / f"work_volume_{period}.xlsx")


def write_evaluations(out: Path) -> None:
    for period in PERIODS:
        wb = new_workbook()
        ws = wb.active
        ws.title = "绩效评估"
        category = {s["supplier_id"]: s["category"] for s in SUPPLIERS}
        rows = []
        for sup in sorted(EVALUATIONS):
            rec = evaluation_record(sup, period)
            rec.update(supplier_id=sup, period=period, evaluator=EVALUATOR[category[sup]])
            rec["satisfaction"] = EVALUATIONS[sup][period][3]  # as typed: blank where the surveys give it
            rows.append(rec)
        write_table(
            ws,
            EVAL_HEADERS,
            rows,
            formats=dict(
                on_time_rate=PCT_FMT,
                turnover_rate=PCT_FMT,
                cost_variance_pct="0.0",
                satisfaction="0.0",
                quality_score="0",
            ),
            widths=dict(comment=60),
        )
        save(wb, out / f"evaluations_{period}.xlsx")


def write_incidents(out: Path) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "事件"
    write_table(ws, INCIDENT_HEADERS, incident_rows(), widths=dict(incident_id=14, date=12, description=70))
    save(wb, out / "incidents.xlsx")


# ----------------------------------------------------------------------------------------
# Appeals (申诉): decisions that reach the settlement of the month they fall in
# ----------------------------------------------------------------------------------------

APPEAL_HEADERS = [
    ("appeal_id", "申诉编号"),
    ("supplier_id", "供应商编号"),
    ("incident_id", "事件编号"),
    ("filed_date", "申诉日期"),
    ("grounds", "申诉理由"),
    ("grounds_en", "英文申诉理由"),
    ("decision", "处理结果"),
    ("decided_date", "处理日期"),
    ("decided_by", "处理人"),
    ("adjusted_amount", "调整金额"),
    ("reason_zh", "处理理由"),
    ("reason_en", "英文处理理由"),
]
# (supplier, incident as (date, type), filed, grounds, grounds_en, decision, decided, by, amount, reason, reason_en)
# S001's September complaint is upheld in October (its damages credited on October's statement);
# S015's eight-day delay is partly Party A's (a changed delivery address): partially upheld in
# October; S011's ERP defect appeal is rejected in September; S012's is still pending.
APPEALS = [
    (
        "S001",
        ((2026, 9, 3), "投诉"),
        (2026, 9, 10),
        "交接班记录由甲方车间统一保管，记录格式系甲方8月调整，乙方人员已按新格式填写，并非填写不规范。",
        "The shift hand-over records are kept by Party A's workshop in the format Party A changed in August; "
        "our staff filled them in that format.",
        "支持",
        (2026, 10, 12),
        "孙丽（供应商管理部）",
        None,
        "经核查车间记录，格式变更通知未送达乙方，投诉不成立。",
        "The workshop records show the format change was never notified to the supplier; the complaint is not "
        "made out.",
    ),
    (
        "S015",
        ((2026, 9, 22), "延期交付"),
        (2026, 9, 28),
        "延误8天中有5天系甲方临时将收货地点由广州工厂改为佛山仓库所致，请求核减相应违约金。",
        None,
        "部分支持",
        (2026, 10, 20),
        "孙丽（供应商管理部）",
        2000,
        "收货地点变更属实，但乙方未及时调配备用车辆，核减违约金2,000元。",
        "The change of delivery address is confirmed, but the supplier did not arrange a back-up vehicle in "
        "time; 2,000.00 of the liquidated damages is reversed.",
    ),
    (
        "S011",
        ((2026, 8, 29), "质量缺陷"),
        (2026, 9, 5),
        "批处理脚本缺陷源于甲方提供的测试数据不完整。",
        "The batch-script defect came from incomplete test data supplied by Party A.",
        "驳回",
        (2026, 9, 25),
        "孙丽（供应商管理部）",
        None,
        "测试数据完整性属乙方验收测试范围，申诉理由不成立。",
        None,
    ),
    (
        "S012",
        ((2026, 8, 7), "安全事件"),
        (2026, 8, 20),
        "误发邮件已在1小时内撤回，对方书面确认删除，未造成信息泄露。",
        "The e-mail was recalled within an hour and the recipient confirmed deletion in writing; nothing leaked.",
        "待处理",
        None,
        None,
        None,
        None,
        None,
    ),
]


def appeal_rows() -> list[dict]:
    ids = {(r["supplier_id"], r["date"], r["type"]): r["incident_id"] for r in incident_rows()}
    rows = []
    for n, (sup, (day, typ), filed, grounds, g_en, decision, decided, by, amount, reason, r_en) in enumerate(
        APPEALS, 1
    ):
        rows.append(
            dict(
                appeal_id=f"SS-2026-{n:03d}",
                supplier_id=sup,
                incident_id=ids[(sup, dt.date(*day), typ)],
                filed_date=dt.date(*filed),
                grounds=grounds,
                grounds_en=g_en,
                decision=decision,
                decided_date=dt.date(*decided) if decided else None,
                decided_by=by,
                adjusted_amount=amount,
                reason_zh=reason,
                reason_en=r_en,
            )
        )
    return rows


def write_appeals(out: Path) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "申诉"
    write_table(ws, APPEAL_HEADERS, appeal_rows(), widths=dict(grounds=50, grounds_en=50, reason_zh=40, reason_en=40))
    save(wb, out / "appeals.xlsx")


# ----------------------------------------------------------------------------------------
# Follow-up: satisfaction surveys, site inspections, improvement plans (反馈闭环)
# ----------------------------------------------------------------------------------------

SURVEY_HEADERS = [
    ("survey_id", "问卷编号"),
    ("period", "考核期间"),
    ("supplier_id", "供应商编号"),
    ("department", "部门"),
    ("respondent", "答卷人"),
    ("rating", "评分"),
    ("comment", "备注"),
    ("comment_en", "英文评语"),
]
SURVEY_PERIOD = "2026-10"
DEPARTMENTS = ("生产部", "行政部", "人力资源部", "信息管理部")
RESPONDENTS = ("孙丽", "周杰", "吴敏", "郑浩", "冯雪", "陈刚", "褚琳", "卫东", "蒋涛", "沈悦")
MIN_RESPONSES = 3  # policy.yaml surveys.min_responses
DEPARTMENT_WEIGHTS = {"生产部": D(2), "行政部": D(1)}  # policy.yaml surveys.department_weights (others 1)
# supplier -> [(department, rating, comment, comment_en)] of 2026-10; the others get SURVEY_DEFAULT
SURVEYS = {
    "S003": [  # two responses only: fewer than the minimum, satisfaction N/A
        ("信息管理部", 3, "版本两次延期，影响月结。", None),
        ("生产部", 3, None, None),
    ],
    "S005": [  # evaluation blank: the KPI is the weighted mean, 3.40 (each department 3.40)
        ("生产部", 3, "洁净区保洁不达标导致停线。", "The clean room was not cleaned to standard and the line stopped."),
        ("生产部", 3, None, None),
        ("生产部", 4, None, None),
        ("生产部", 3, "保洁人员流动大，培训不到位。", None),
        ("生产部", 4, None, None),
        ("行政部", 4, "会议中心保洁有改善。", "Cleaning of the conference centre has improved."),
        ("行政部", 3, None, None),
        ("行政部", 3, "垃圾清运不及时。", None),
        ("行政部", 4, None, None),
        ("行政部", 3, None, None),
    ],
    "S009": [
        ("生产部", 4, "夜班餐供应不足。", "Not enough meals for the night shift."),
        ("行政部", 4, None, None),
        ("人力资源部", 4, None, None),
        ("生产部", 3, "菜品口味单一。", None),
    ],
}
SURVEYED = [s for s in sorted(EVALUATIONS) if s not in ("S004",)]  # S004's access is suspended: no survey


def survey_rows() -> list[dict]:
    rows = []
    for sup in SURVEYED:
        answers = SURVEYS.get(sup)
        if answers is None:  # four responses around the evaluation's figure
            sat = D(str(EVALUATIONS[sup][SURVEY_PERIOD][3]))
            low = int(sat)
            high = min(5, low + 1)
            n_high = int(((sat - low) * 4).quantize(D(1), ROUND_HALF_UP))
            ratings = [high] * n_high + [low] * (4 - n_high)
            answers = [(DEPARTMENTS[i], r, None, None) for i, r in enumerate(ratings)]
        for n, (dept, rating, comment, comment_en) in enumerate(answers, 1):
            rows.append(
                dict(
                    survey_id=f"SV-{SURVEY_PERIOD}-{sup}-{n:02d}",
                    period=SURVEY_PERIOD,
                    supplier_id=sup,
                    department=dept,
                    respondent=RESPONDENTS[(n - 1 + int(sup[1:])) % len(RESPONDENTS)],
                    rating=rating,
                    comment=comment,
                    comment_en=comment_en,
                )
            )
    return rows


def survey_mean(sup: str, period: str) -> D | None:
    """The weighted mean rating to 0.01 (policy.yaml surveys), None below the minimum responses."""
    rows = [r for r in survey_rows() if r["supplier_id"] == sup and r["period"] == period]
    weights = [(D(r["rating"]), DEPARTMENT_WEIGHTS.get(r["department"], D(1))) for r in rows]
    weights = [(r, w) for r, w in weights if w > 0]
    if len(weights) < MIN_RESPONSES:
        return None
    return (sum(r * w for r, w in weights) / sum(w for _, w in weights)).quantize(D("0.01"), ROUND_HALF_UP)


INSPECTION_HEADERS = [
    ("inspection_id", "检查编号"),
    ("supplier_id", "供应商编号"),
    ("date", "日期"),
    ("inspector", "检查人"),
    ("items_checked", "检查项数"),
    ("items_failed", "不合格项数"),
    ("result", "检查结论"),
    ("findings", "检查发现"),
    ("findings_en", "英文检查发现"),
]
INSPECTIONS = [
    (
        "INSP-2026-09-001",
        "S009",
        (2026, 9, 15),
        "刘洋（行政部）",
        30,
        3,
        "限期整改",
        "后厨留样记录不全，两台冰柜温度超标。",
        "Incomplete kitchen sample records; two freezers above temperature.",
    ),
    ("INSP-2026-10-001", "S006", (2026, 10, 14), "张伟（物流部）", 25, 0, "合格", "门禁整改已落实。", None),
    (
        "INSP-2026-10-002",
        "S005",
        (2026, 10, 22),
        "刘洋（行政部）",
        24,
        7,
        "不合格",
        "洁净区保洁记录缺失，7项不合格，其中3项为重复问题。",
        None,
    ),
]

PLAN_HEADERS = [
    ("plan_id", "整改编号"),
    ("supplier_id", "供应商编号"),
    ("source_doc", "来源文件"),
    ("issue", "问题描述"),
    ("action", "整改措施"),
    ("owner", "责任人"),
    ("due_date", "完成期限"),
    ("status", "状态"),
    ("closed_date", "关闭日期"),
    ("verified_by", "验证人"),
]
# S013 never answers its improvement notices (IN-2026-08 and IN-2026-09: improvement_plan_missing);
# S003's plan for its September warning is overdue in October; S005's October notice is answered.
PLANS = [
    (
        "ZG-2026-001",
        "S013",
        "WL-2026-07-S013",
        "人员到岗率偏低",
        "建立顶岗人员储备，每日报送到岗表",
        "马力",
        (2026, 8, 14),
        "已完成",
        (2026, 8, 12),
        "李娜",
    ),
    (
        "ZG-2026-002",
        "S009",
        "INSP-2026-09-001",
        "后厨留样记录不全、冰柜温度超标",
        "更换温控器，留样专人登记",
        "何芳",
        (2026, 9, 30),
        "已完成",
        (2026, 9, 28),
        "刘洋",
    ),
    (
        "ZG-2026-003",
        "S003",
        "WL-2026-09-S003",
        "门户版本延期上线",
        "增加测试资源，发布前回归测试",
        "吴强",
        (2026, 10, 20),
        "进行中",
        None,
        None,
    ),
    (
        "ZG-2026-004",
        "S005",
        "WL-2026-09-S005",
        "保洁质量问题反复",
        "增加巡检频次，项目经理每日签字确认",
        "杨帆",
        (2026, 10, 16),
        "已完成",
        (2026, 10, 15),
        "刘洋",
    ),
    (
        "ZG-2026-005",
        "S015",
        "WL-2026-09-S015",
        "运力不足导致延误",
        "签订备用车队协议，旺季增加运力",
        "郭斌",
        (2026, 10, 23),
        "已完成",
        (2026, 10, 21),
        "张伟",
    ),
    (
        "ZG-2026-006",
        "S005",
        "IN-2026-10-S005",
        "洁净区保洁不达标、现场检查不合格",
        "洁净区专职保洁班组，按GMP要求重新培训考核",
        "杨帆",
        (2026, 11, 30),
        "进行中",
        None,
        None,
    ),
]


def _date(t):
    return dt.date(*t) if t else None


def check_follow_up() -> None:
    assert sum(1 for r in survey_rows() if r["supplier_id"] == NA_SUPPLIER_OCT) < MIN_RESPONSES
    results = {i[6] for i in INSPECTIONS}
    assert results == {"合格", "限期整改", "不合格"}, results
    assert all(i[5] <= i[4] for i in INSPECTIONS)
    assert all(p[2].endswith(p[1]) or p[2].startswith("INSP-") for p in PLANS)
    assert not any(p[2] in ("IN-2026-08-S013", "IN-2026-09-S013") for p in PLANS)  # never answered


def write_follow_up(out: Path) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "满意度调查"
    write_table(ws, SURVEY_HEADERS, survey_rows(), widths=dict(survey_id=20, comment=40, comment_en=50))
    save(wb, out / f"surveys_{SURVEY_PERIOD}.xlsx")
    wb = new_workbook()
    ws = wb.active
    ws.title = "现场检查"
    rows = [dict(zip([h[0] for h in INSPECTION_HEADERS], i[:2] + (_date(i[2]),) + i[3:])) for i in INSPECTIONS]
    write_table(ws, INSPECTION_HEADERS, rows, widths=dict(inspection_id=18, findings=50, findings_en=50))
    save(wb, out / "inspections.xlsx")
    wb = new_workbook()
    ws = wb.active
    ws.title = "整改计划"
    rows = [dict(zip([h[0] for h in PLAN_HEADERS], p[:6] + (_date(p[6]), p[7], _date(p[8]), p[9]))) for p in PLANS]
    write_table(ws, PLAN_HEADERS, rows, widths=dict(source_doc=18, issue=30, action=40))
    save(wb, out / "improvement_plans.xlsx")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "inputs", help="folder to write into (default inputs/)")
    parser.add_argument("--policy", type=Path, default=ROOT / "inputs" / "policy.yaml")
    parser.add_argument("--print-story", action="store_true", help="print the story table and exit")
    args = parser.parse_args(argv)
    policy = load_policy(args.policy)
    scores = check_story(policy)
    # The story table in this module's docstring must be the one computed now.
    assert story_table(policy, scores) in __doc__, "the story table in the docstring is out of date:\n" + story_table(
        policy, scores
    )
    if args.print_story:
        print(story_table(policy, scores))
        for sup in ("S004", "S003", "S013", "S015"):
            total, cap = penalties(policy, sup, "2026-10")
            print(f"{sup} 2026-10 penalties {total:,.2f} cap {cap:,.2f}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    write_suppliers(args.out)
    write_contracts(args.out)
    write_evaluations(args.out)
    write_incidents(args.out)
    write_work_volume(args.out)
    write_follow_up(args.out)
    write_appeals(args.out)
    for name in (
        "suppliers.xlsx",
        "contracts.xlsx",
        *(f"evaluations_{p}.xlsx" for p in PERIODS),
        "incidents.xlsx",
        *(f"work_volume_{p}.xlsx" for p in PERIODS),
        f"surveys_{SURVEY_PERIOD}.xlsx",
        "inspections.xlsx",
        "improvement_plans.xlsx",
        "appeals.xlsx",
    ):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
